/** Pure arithmetic over the campaign's samples: percentiles, counts, phases, recovery. Unit-tested. */
import { is2xx, latencyMs, type Sample } from './samples.ts';

/** Nearest-rank percentile (p in 0..100); NaN for no values. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export interface LatencySummary {
  readonly count: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

/** Latency of everything that got an HTTP answer (failures have no meaningful latency). */
export function latencySummary(samples: readonly Sample[]): LatencySummary {
  const answered = samples.filter((s) => s.status !== undefined).map(latencyMs);
  return { count: answered.length, p50Ms: percentile(answered, 50), p99Ms: percentile(answered, 99) };
}

/** Counts by status code ("201", "503" ...) and by failure kind ("reset", "refused" ...), sorted by key. */
export function outcomeCounts(samples: readonly Sample[]): Record<string, number> {
  const counts = new Map<string, number>();
  for (const s of samples) {
    const key = s.status !== undefined ? String(s.status) : (s.failure ?? 'other');
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return Object.fromEntries([...counts].sort(([a], [b]) => a.localeCompare(b)));
}

const failed5xxOrNoAnswer = (s: Sample): boolean => s.failure !== undefined || (s.status ?? 0) >= 500;

export type Phase = 'before' | 'during' | 'after';

/** When the campaign moved into a phase: the fault injected ('during'), the dependency back ('after'). */
export interface PhaseMark {
  readonly at: number;
  readonly phase: Phase;
}

/** The phase a request sent at `t` belongs to: the last mark at or before it ('before' if none). */
export function phaseAt(marks: readonly PhaseMark[], t: number): Phase {
  let phase: Phase = 'before';
  for (const mark of marks) if (mark.at <= t) phase = mark.phase;
  return phase;
}

export function byPhase(samples: readonly Sample[], marks: readonly PhaseMark[], phase: Phase): Sample[] {
  return samples.filter((s) => phaseAt(marks, s.startedAt) === phase);
}

/**
 * Milliseconds from the dependency's return (`from`) to the first 2xx answer of a request sent at or after
 * it and before `until`, among the samples `counts` selects; null when there was none.
 */
export function recoveryMs(samples: readonly Sample[], from: number, until: number, counts: (s: Sample) => boolean = () => true): number | null {
  const recovered = samples.filter((s) => s.startedAt >= from && s.startedAt < until && counts(s) && is2xx(s)).map((s) => s.endedAt);
  return recovered.length === 0 ? null : Math.max(0, Math.min(...recovered) - from);
}

/**
 * Milliseconds from `from` to the end of the last request sent in [from, until) that `counts` selects and
 * that failed (no answer or 5xx): how long failures went on after the dependency was back; 0 when none did.
 */
export function lastFailureMs(samples: readonly Sample[], from: number, until: number, counts: (s: Sample) => boolean = () => true): number {
  const failed = samples.filter((s) => s.startedAt >= from && s.startedAt < until && counts(s) && failed5xxOrNoAnswer(s));
  return failed.length === 0 ? 0 : Math.max(0, Math.max(...failed.map((s) => s.endedAt)) - from);
}

/** Requests sent in [from, until) that `counts` selects and that failed (no answer, or a 5xx). */
export function failedBetween(samples: readonly Sample[], from: number, until: number, counts: (s: Sample) => boolean = () => true): number {
  return samples.filter((s) => s.startedAt >= from && s.startedAt < until && counts(s) && failed5xxOrNoAnswer(s)).length;
}

/**
 * The most intervals [start, end) open at one instant. An interval ending at the instant another starts
 * does not overlap it.
 */
export function maxConcurrent(intervals: ReadonlyArray<readonly [number, number]>): number {
  const events = intervals.flatMap(([start, end]): Array<[number, number]> => [[start, 1], [end, -1]]);
  events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let open = 0;
  let most = 0;
  for (const [, delta] of events) {
    open += delta;
    most = Math.max(most, open);
  }
  return most;
}
