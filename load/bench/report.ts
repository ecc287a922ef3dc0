import { modes, type BenchReport } from './run.ts';
import { targetChecks } from './targets.ts';

const fmt = (value: number, digits = 0): string => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');
const pct = (ratio: number): string => (Number.isFinite(ratio) ? `${(ratio * 100).toFixed(1)}%` : 'n/a');

/** A Markdown table with columns padded to their widest cell. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

/** The human-readable summary: a Markdown table (pasteable into BENCHMARKS.md) and the span/memory lines. */
export function renderReport(report: BenchReport): string {
  const rows = report.summary.flatMap((s) =>
    modes.filter((mode) => s.route !== 'mix' || mode !== 'bare-node-http').map((mode) => [
      s.route,
      mode,
      fmt(s.byMode[mode].requestsPerSecond),
      fmt(s.byMode[mode].latencyP50Ms, 1),
      fmt(s.byMode[mode].latencyP99Ms, 1),
      fmt(s.byMode[mode].serverCpuMicrosPerRequest),
      mode === 'telemetry-on' ? pct(s.onOffRatio) : mode === 'telemetry-off' ? `${pct(s.offBareRatio)} of bare` : '',
    ]),
  );
  const c = report.config;
  const spans = report.spans;
  return [
    `Machine: ${report.machine.cpus} × ${report.machine.cpuModel}, ${report.machine.memoryGiB} GiB, Linux ${report.machine.kernel}, Node ${report.machine.node}`,
    `Load: autocannon, ${c.connections} connections, ${c.durationSeconds}s measured after ${c.warmupSeconds}s warm-up, median of ${c.rounds} round(s); service LOG_LEVEL=${c.logLevel}; traces sampled: ${c.traceSamplePercent}%`,
    '',
    table(['route', 'mode', 'req/s', 'p50 ms', 'p99 ms', 'server CPU µs/req', 'throughput on/off'], rows),
    '',
    `Throughput on/off paired by round: ${report.summary.map((s) => `${s.route} median ${pct(s.pairedOnOff.median)} (range ${pct(s.pairedOnOff.min)} to ${pct(s.pairedOnOff.max)}, ${s.pairedOnOff.rounds} rounds)`).join(', ')}`,
    `Server CPU per request, on/off: ${report.summary.map((s) => `${s.route} ×${fmt(s.cpuPerRequestOnOff, 2)}`).join(', ')}`,
    `Spans per request (calibrated): ${Object.entries(report.spansPerRequest).map(([r, n]) => `${r} ${n}`).join(', ')}`,
    `Spans: expected ${spans.expected}, received ${spans.received}, dropped ${spans.dropped} (${pct(spans.expected > 0 ? spans.dropped / spans.expected : 0)}); SDK-reported queue drops ${spans.droppedReportedBySdk}`,
    `SERVER spans by route: ${report.summary.flatMap((s) => (s.serverSpans ? [`${s.route} ${s.serverSpans.received}/${s.serverSpans.requests}`] : [])).join(', ')}`,
    `Peak RSS (VmHWM): telemetry-on ${fmt(report.peakRssMiB['telemetry-on'], 1)} MiB, telemetry-off ${fmt(report.peakRssMiB['telemetry-off'], 1)} MiB, bare ${fmt(report.peakRssMiB['bare-node-http'], 1)} MiB`,
    '',
    'Targets (issue 13):',
    table(['target', 'measured', 'met'], targetChecks(report).map((c) => [c.target, c.measured, c.met ? 'yes' : 'NO'])),
  ].join('\n');
}

/** Several samplings side by side: per route and share recorded, throughput on/off paired by round and CPU per request. */
export function renderSamplingTable(reports: readonly BenchReport[]): string {
  const rows = reports[0]!.summary.flatMap((first) =>
    reports.flatMap((report) => {
      const s = report.summary.find((x) => x.route === first.route);
      if (!s) return [];
      const on = s.byMode['telemetry-on'];
      const off = s.byMode['telemetry-off'];
      return [
        [
          s.route,
          `${report.config.traceSamplePercent}%`,
          `${pct(s.pairedOnOff.median)} (${pct(s.pairedOnOff.min)} to ${pct(s.pairedOnOff.max)})`,
          `${fmt(on.requestsPerSecond)} / ${fmt(off.requestsPerSecond)}`,
          `${fmt(on.serverCpuMicrosPerRequest)} / ${fmt(off.serverCpuMicrosPerRequest)} (×${fmt(s.cpuPerRequestOnOff, 2)})`,
          `${fmt(on.latencyP99Ms, 1)} / ${fmt(off.latencyP99Ms, 1)}`,
        ],
      ];
    }),
  );
  return table(['route', 'traces recorded', 'throughput on/off, paired by round: median (range)', 'req/s on / off (medians)', 'server CPU µs/req on / off', 'p99 ms on / off'], rows);
}
