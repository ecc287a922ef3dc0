import { faultFlags, routeContextKey, type FaultFlagName } from '@lab/service/fault-flags';
import type { AppFaults } from '@lab/service/failure-lab';

/**
 * flagd's ports at v0.16.1 (flagd/cmd/start.go defaults, each also set explicitly on the command line):
 * evaluation (gRPC/connect), management (`/healthz`, `/readyz`, `/metrics`), sync (the gRPC sync stream the
 * service's in-process provider reads) and OFREP.
 */
export const flagdPorts = { evaluation: 8013, management: 8014, sync: 8015, ofrep: 8016 } as const;

/** The value a flag serves and, for a route-scoped flag set on some routes only, those routes. */
export interface ServedFlag {
  readonly value: number | boolean;
  readonly routes?: readonly string[];
}

/**
 * What each fault flag serves for these app faults: the one mapping from the stack's `faults.app` to the
 * service's flag keys (service/src/faults/flags.ts). A flag added there without a line here fails to compile.
 */
export function appFlagValues(app: AppFaults): Record<FaultFlagName, ServedFlag> {
  const routed = (value: number, routes: readonly string[] | undefined): ServedFlag => (routes ? { value, routes } : { value });
  return {
    errorRate: routed(app.errorRate?.ratio ?? faultFlags.errorRate.defaultValue, app.errorRate?.routes),
    addedLatencyMs: routed(app.latency?.ms ?? faultFlags.addedLatencyMs.defaultValue, app.latency?.routes),
    cacheBypass: { value: app.cacheBypass ?? faultFlags.cacheBypass.defaultValue },
    slowQueryMs: { value: app.slowQueryMs ?? faultFlags.slowQueryMs.defaultValue },
    cpuHogPercent: { value: app.cpuHogPercent ?? faultFlags.cpuHogPercent.defaultValue },
    memoryLeakMbPerMinute: { value: app.memoryLeak?.mbPerMinute ?? faultFlags.memoryLeakMbPerMinute.defaultValue },
    memoryLeakCapMb: { value: app.memoryLeak?.capMb ?? faultFlags.memoryLeakCapMb.defaultValue },
  };
}

/** A flag definition as flagd's schema has it (docs/reference/flag-definitions.md at flagd/v0.16.1). */
export interface FlagdFlag {
  readonly state: 'ENABLED';
  readonly variants: { readonly off: number | boolean; readonly on?: number | boolean };
  readonly defaultVariant: 'off' | 'on';
  /** JSONLogic returning a variant name. */
  readonly targeting?: unknown;
}

export interface FlagdFlagFile {
  readonly $schema: 'https://flagd.dev/schema/v0/flags.json';
  readonly flags: Readonly<Record<string, FlagdFlag>>;
}

/**
 * The flag file flagd serves: every fault flag present (so the service never meets "flag not found"), its
 * `off` variant being the flag's default. A flag with a fault gets an `on` variant: a service-wide flag serves
 * it by default; a route-scoped one only when the evaluation context's route is one of its routes (JSONLogic
 * `in` over a list), which for a fault set without routes is every route the service lets faults touch.
 */
export function flagdFlagFile(app: AppFaults, faultableRoutes: readonly string[]): FlagdFlagFile {
  const values = appFlagValues(app);
  const flags: Record<string, FlagdFlag> = {};
  for (const name of Object.keys(faultFlags) as FaultFlagName[]) {
    const flag = faultFlags[name];
    const served = values[name];
    const off = flag.defaultValue;
    if (served.value === off) {
      flags[flag.key] = { state: 'ENABLED', variants: { off }, defaultVariant: 'off' };
    } else if (flag.scope === 'route') {
      const routes = [...(served.routes ?? faultableRoutes)];
      flags[flag.key] = {
        state: 'ENABLED',
        variants: { off, on: served.value },
        defaultVariant: 'off',
        targeting: { if: [{ in: [{ var: routeContextKey }, routes] }, 'on', 'off'] },
      };
    } else {
      flags[flag.key] = { state: 'ENABLED', variants: { off, on: served.value }, defaultVariant: 'on' };
    }
  }
  return { $schema: 'https://flagd.dev/schema/v0/flags.json', flags };
}
