/**
 * Synthetic traffic for promtool unit tests: phases of requests per minute, rendered as the
 * cumulative counter series the OTLP histogram would produce (promtool's `a+bxn` notation).
 */
export interface Phase {
  minutes: number;
  /** Counter increase per minute while the phase lasts. */
  perMinute: number;
}

/** promtool expanding notation for a counter that grows by each phase's rate, one sample a minute. */
export function counterSeries(phases: readonly Phase[]): string {
  const segments: string[] = [];
  let last: number | undefined;
  for (const phase of phases) {
    if (phase.minutes <= 0) continue;
    const start = last === undefined ? 0 : last + phase.perMinute;
    segments.push(`${start}+${phase.perMinute}x${phase.minutes - 1}`);
    last = start + phase.perMinute * (phase.minutes - 1);
  }
  return segments.join(' ');
}

export interface TrafficPhase {
  minutes: number;
  requestsPerMinute: number;
  /** Share of requests that are bad (5xx for availability, slow for latency). */
  badRatio: number;
}

export function split(phases: readonly TrafficPhase[]): { good: Phase[]; bad: Phase[]; all: Phase[] } {
  const bad = phases.map((p) => ({ minutes: p.minutes, perMinute: Math.round(p.requestsPerMinute * p.badRatio) }));
  const all = phases.map((p) => ({ minutes: p.minutes, perMinute: p.requestsPerMinute }));
  const good = phases.map((p, i) => ({ minutes: p.minutes, perMinute: p.requestsPerMinute - bad[i]!.perMinute }));
  return { good, bad, all };
}

export function totalMinutes(phases: readonly { minutes: number }[]): number {
  return phases.reduce((sum, p) => sum + p.minutes, 0);
}
