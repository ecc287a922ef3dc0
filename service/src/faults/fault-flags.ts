import type { Client } from '@openfeature/server-sdk';
import { faultFlagLimits, faultFlags, routeContextKey } from './flags';

/** The route-scoped faults of one request. */
export interface RouteFaults {
  /** Share of requests (0 to 1) answered 500 `injected_fault`. */
  readonly errorRate: number;
  readonly addedLatencyMs: number;
}

export interface MemoryLeakSetting {
  readonly mbPerMinute: number;
  readonly capMb: number;
}

/** The fault flags, read with their meaning and within the service's limits. */
export interface FaultFlags {
  /** False when no flag provider is configured: every read is the default, and callers may skip reading. */
  readonly enabled: boolean;
  /** Both route-scoped flags, evaluated with context `{route}` (the request's http.route pattern). */
  routeFaults(route: string): Promise<RouteFaults>;
  cacheBypass(): Promise<boolean>;
  slowQueryMs(): Promise<number>;
  cpuHogPercent(): Promise<number>;
  memoryLeak(): Promise<MemoryLeakSetting>;
}

const noRouteFaults: RouteFaults = { errorRate: 0, addedLatencyMs: 0 };
const noLeak: MemoryLeakSetting = { mbPerMinute: 0, capMb: 0 };

/** Every flag at its default ("no fault"), without evaluating anything. */
export const defaultFaultFlags: FaultFlags = {
  enabled: false,
  routeFaults: async () => noRouteFaults,
  cacheBypass: async () => faultFlags.cacheBypass.defaultValue,
  slowQueryMs: async () => faultFlags.slowQueryMs.defaultValue,
  cpuHogPercent: async () => faultFlags.cpuHogPercent.defaultValue,
  memoryLeak: async () => noLeak,
};

/** A number flag as the service applies it: negative or not a finite number is "off" (0); above the limit is the limit. */
export function withinLimit(value: number, limit: number): number {
  return Number.isFinite(value) && value > 0 ? Math.min(value, limit) : 0;
}

/** Reads the fault flags through an OpenFeature client; a failed evaluation is the flag's default (no fault). */
export function openFeatureFaultFlags(client: Client): FaultFlags {
  const number = async (flag: { readonly key: string; readonly defaultValue: number }, limit: number, context?: Record<string, string>) =>
    withinLimit(await client.getNumberValue(flag.key, flag.defaultValue, context), limit);
  return {
    enabled: true,
    async routeFaults(route) {
      const context = { [routeContextKey]: route };
      const [errorRate, addedLatencyMs] = await Promise.all([
        number(faultFlags.errorRate, faultFlagLimits.errorRate, context),
        number(faultFlags.addedLatencyMs, faultFlagLimits.addedLatencyMs, context),
      ]);
      return { errorRate, addedLatencyMs };
    },
    cacheBypass: () => client.getBooleanValue(faultFlags.cacheBypass.key, faultFlags.cacheBypass.defaultValue),
    slowQueryMs: () => number(faultFlags.slowQueryMs, faultFlagLimits.slowQueryMs),
    cpuHogPercent: () => number(faultFlags.cpuHogPercent, faultFlagLimits.cpuHogPercent),
    async memoryLeak() {
      const [mbPerMinute, capMb] = await Promise.all([
        number(faultFlags.memoryLeakMbPerMinute, faultFlagLimits.memoryLeakMbPerMinute),
        number(faultFlags.memoryLeakCapMb, faultFlagLimits.memoryLeakCapMb),
      ]);
      return { mbPerMinute, capMb };
    },
  };
}
