import { renameSync, writeFileSync } from 'node:fs';
import { faultFlags, routeContextKey, type FaultFlagName } from '../../src/faults/flags';

/** One fault flag switched on: its value, and for route-scoped flags the routes it hits (all when absent). */
export interface FlagOn {
  readonly value: number | boolean;
  readonly routes?: readonly string[];
}

/**
 * A flag set in flagd's schema (https://flagd.dev/schema/v0/flags.json): every fault flag is present, with
 * an `off` variant at its default; one switched on has an `on` variant, served to everyone or, with routes,
 * by targeting on the evaluation context's route.
 */
export function flagSet(on: Partial<Record<FaultFlagName, FlagOn>> = {}): object {
  const flags = Object.fromEntries(
    Object.entries(faultFlags).map(([name, flag]) => {
      const setting = on[name as FaultFlagName];
      if (!setting) return [flag.key, { state: 'ENABLED', variants: { off: flag.defaultValue }, defaultVariant: 'off' }];
      const variants = { off: flag.defaultValue, on: setting.value };
      return [
        flag.key,
        setting.routes
          ? { state: 'ENABLED', variants, defaultVariant: 'off', targeting: { if: [{ in: [{ var: routeContextKey }, [...setting.routes]] }, 'on', 'off'] } }
          : { state: 'ENABLED', variants, defaultVariant: 'on' },
      ];
    }),
  );
  return { $schema: 'https://flagd.dev/schema/v0/flags.json', flags };
}

/** Replaces the file in one rename, so the provider's file watch never reads half a file. */
export function writeFlagFile(path: string, on: Partial<Record<FaultFlagName, FlagOn>> = {}): void {
  writeFileSync(`${path}.tmp`, JSON.stringify(flagSet(on), null, 2));
  renameSync(`${path}.tmp`, path);
}
