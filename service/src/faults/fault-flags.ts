import type { EvaluationRecorder } from './evaluation-telemetry';
import type { FlagSnapshot } from './flag-snapshot';
import { faultFlagLimits, faultFlags, type FaultFlagName } from './flags';
import { noLeak, type LeakSetting } from './memory-leak';

/** The route-scoped faults of one request. */
export interface RouteFaults {
  /** Share of requests (0 to 1) answered 500 `injected_fault`. */
  readonly errorRate: number;
  readonly addedLatencyMs: number;
}

/**
 * The fault flags, read with their meaning and within the service's limits. Each read is recorded (span
 * event, count) as the evaluation the caller used.
 */
export interface FaultFlags {
  /** False when no flag provider is configured: every read is the default, and callers may skip reading. */
  readonly enabled: boolean;
  /** Both route-scoped flags, as evaluated with context `{route}` (the request's http.route pattern). */
  routeFaults(route: string): RouteFaults;
  cacheBypass(): boolean;
  slowQueryMs(): number;
  cpuHogPercent(): number;
  memoryLeak(): LeakSetting;
}

const noRouteFaults: RouteFaults = { errorRate: 0, addedLatencyMs: 0 };

/** Every flag at its default ("no fault"), without evaluating anything. */
export const defaultFaultFlags: FaultFlags = {
  enabled: false,
  routeFaults: () => noRouteFaults,
  cacheBypass: () => faultFlags.cacheBypass.defaultValue,
  slowQueryMs: () => faultFlags.slowQueryMs.defaultValue,
  cpuHogPercent: () => faultFlags.cpuHogPercent.defaultValue,
  memoryLeak: () => noLeak,
};

/** A number flag as the service applies it: negative or not a finite number is "off" (0); above the limit is the limit. */
export function withinLimit(value: unknown, limit: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.min(value, limit) : 0;
}

/**
 * Reads the flags from the OpenFeature snapshot. Before its first evaluation, or where an evaluation
 * failed, a flag is its default (no fault): the SDK answers a failed evaluation with the default value.
 */
export function snapshotFaultFlags(snapshot: FlagSnapshot, record: EvaluationRecorder): FaultFlags {
  const value = (name: FaultFlagName, route?: string) => {
    const entry = snapshot.get(name, route);
    if (!entry) return faultFlags[name].defaultValue;
    record(entry);
    return entry.details.value;
  };
  const number = (name: keyof typeof faultFlagLimits, route?: string) => withinLimit(value(name, route), faultFlagLimits[name]);
  return {
    enabled: true,
    routeFaults: (route) => ({ errorRate: number('errorRate', route), addedLatencyMs: number('addedLatencyMs', route) }),
    cacheBypass: () => value('cacheBypass') === true,
    slowQueryMs: () => number('slowQueryMs'),
    cpuHogPercent: () => number('cpuHogPercent'),
    memoryLeak: () => ({ mbPerMinute: number('memoryLeakMbPerMinute'), capMb: number('memoryLeakCapMb') }),
  };
}
