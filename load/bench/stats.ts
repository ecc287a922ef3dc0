/** Pure arithmetic over measured runs: medians, ratios, span accounting. Unit-tested, never hard-coded. */

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Throughput with telemetry on as a share of throughput with it off (1 = free, 0.9 = costs 10%). */
export function onOffRatio(onRps: number, offRps: number): number {
  return offRps > 0 ? onRps / offRps : Number.NaN;
}

/**
 * On/off throughput ratio of each round (the two were measured back to back), with the median and range
 * over rounds. Pairing cancels the drift of a shared machine between rounds, which the ratio of the two
 * medians does not.
 */
export function pairedRatios(
  on: readonly { round: number; requestsPerSecond: number }[],
  off: readonly { round: number; requestsPerSecond: number }[],
): { median: number; min: number; max: number; rounds: number } {
  const ratios = on.flatMap((o) => {
    const partner = off.find((f) => f.round === o.round);
    return partner ? [onOffRatio(o.requestsPerSecond, partner.requestsPerSecond)] : [];
  });
  return { median: median(ratios), min: Math.min(...ratios), max: Math.max(...ratios), rounds: ratios.length };
}

export interface SpanAccount {
  /** Spans the service made: requests served × spans one request of that route makes (calibrated). */
  readonly expected: number;
  /** Spans the OTLP receiver decoded. */
  readonly received: number;
  /** expected − received, never below zero (background spans can only add to received). */
  readonly dropped: number;
  /** Drops the SDK reported itself ("Dropped N spans because maxQueueSize reached"). */
  readonly droppedReportedBySdk: number;
}

export function spanAccount(
  requestsByRoute: Readonly<Record<string, number>>,
  spansPerRequestByRoute: Readonly<Record<string, number>>,
  received: number,
  droppedReportedBySdk: number,
): SpanAccount {
  let expected = 0;
  for (const [route, requests] of Object.entries(requestsByRoute)) {
    const perRequest = spansPerRequestByRoute[route];
    if (perRequest === undefined) throw new Error(`no span calibration for ${route}`);
    expected += requests * perRequest;
  }
  expected = Math.round(expected);
  return { expected, received, dropped: Math.max(0, expected - received), droppedReportedBySdk };
}

/** Sums the counts in the OTel SDK's diag warnings about its full queue. */
export function sdkReportedSpanDrops(stderr: string): number {
  let total = 0;
  for (const match of stderr.matchAll(/Dropped (\d+) spans because maxQueueSize reached/g)) total += Number(match[1]);
  return total;
}
