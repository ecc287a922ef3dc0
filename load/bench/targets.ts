import type { BenchReport } from './run.ts';

/** One target of the telemetry-cost issue, checked against a benchmark report. */
export interface TargetCheck {
  readonly target: string;
  readonly measured: string;
  readonly met: boolean;
}

const pct = (ratio: number) => `${(ratio * 100).toFixed(1)}%`;

/**
 * The targets of the telemetry-cost issue (13), read off a report so BENCHMARKS.md quotes the run instead of
 * numbers typed by hand. The throughput target depends on the share of traces recorded: ≥ 0.75 of
 * telemetry-off with every trace recorded, ≥ 0.95 at 1%; other shares get no throughput target.
 */
export function targetChecks(report: BenchReport): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const cached = report.summary.find((s) => s.route === 'cached-read');
  const share = report.config.traceSamplePercent;
  if (cached) {
    const floor = share === 100 ? 0.75 : share === 1 ? 0.95 : undefined;
    if (floor !== undefined) {
      checks.push({
        target: `cached read, ${share}% recorded: throughput on/off paired by round ≥ ${floor}`,
        measured: `median ${pct(cached.pairedOnOff.median)} (${pct(cached.pairedOnOff.min)} to ${pct(cached.pairedOnOff.max)}, ${cached.pairedOnOff.rounds} rounds)`,
        met: cached.pairedOnOff.median >= floor,
      });
    }
    if (share === 100) {
      checks.push({
        target: 'cached read, every trace recorded: server CPU per request on/off ≤ ×1.35',
        measured: `×${cached.cpuPerRequestOnOff.toFixed(2)} (${cached.byMode['telemetry-on'].serverCpuMicrosPerRequest.toFixed(0)} / ${cached.byMode['telemetry-off'].serverCpuMicrosPerRequest.toFixed(0)} µs)`,
        met: cached.cpuPerRequestOnOff <= 1.35,
      });
    }
  }
  checks.push({
    target: 'no span dropped',
    measured: `expected ${report.spans.expected}, received ${report.spans.received}, short ${report.spans.dropped}; SDK-reported drops ${report.spans.droppedReportedBySdk}`,
    // Below 100% the expected count is the sampler's expectation, and with the mix its spans per request are a
    // mean: only the SDK's own report is exact there.
    met: report.spans.droppedReportedBySdk === 0 && (share < 100 || report.config.routes.includes('mix') || report.spans.dropped === 0),
  });
  for (const s of report.summary) {
    const on = s.byMode['telemetry-on'];
    checks.push({
      target: `${s.route}, telemetry on: p99 < 5 × p50`,
      measured: `p50 ${on.latencyP50Ms} ms, p99 ${on.latencyP99Ms} ms (×${(on.latencyP99Ms / on.latencyP50Ms).toFixed(1)})`,
      met: on.latencyP99Ms < 5 * on.latencyP50Ms,
    });
  }
  const rss = report.peakRssMiB['telemetry-on'] / report.peakRssMiB['telemetry-off'];
  checks.push({
    target: 'peak RSS, telemetry on ≤ 1.2 × off',
    measured: `${report.peakRssMiB['telemetry-on'].toFixed(1)} / ${report.peakRssMiB['telemetry-off'].toFixed(1)} MiB (×${rss.toFixed(2)})`,
    met: rss <= 1.2,
  });
  return checks;
}
