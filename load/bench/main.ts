/**
 * `npm run bench` (root) → `npm run bench -w load`: the telemetry-cost benchmark.
 * Options: --duration <s> --warmup <s> --connections <n> --rounds <n> --routes a,b --log-level <lvl>
 *          --sample-percent <0-100>[,<0-100>...] --out <file> --chart <file.svg>
 * Several shares of traces recorded run one after the other (each its own paired run); --chart draws their
 * on/off throughput per route (chart.ts).
 * Needs the service built (npm run build at the root) and Postgres/Redis binaries (or TEST_DATABASE_URL /
 * TEST_REDIS_URL).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { benchRoutes, type BenchRoute } from './routes.ts';
import { defaultConfig, runBenchmark, type BenchConfig, type BenchReport } from './run.ts';
import { renderChart } from './chart.ts';
import { renderReport, renderSamplingTable } from './report.ts';
import { runMain } from './cli.ts';

export function configFromArgs(argv: readonly string[]): { config: BenchConfig; samplePercents: number[]; out: string; chart?: string } {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      duration: { type: 'string' },
      warmup: { type: 'string' },
      connections: { type: 'string' },
      rounds: { type: 'string' },
      routes: { type: 'string' },
      'log-level': { type: 'string' },
      'sample-percent': { type: 'string' },
      out: { type: 'string' },
      chart: { type: 'string' },
    },
  });
  const positive = (name: string, raw: string | undefined, fallback: number, allowZero = false): number => {
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) throw new Error(`--${name} must be a positive number`);
    return value;
  };
  const samplePercents = (values['sample-percent']?.split(',') ?? [String(defaultConfig.traceSamplePercent)]).map((raw) => {
    const value = Number(raw);
    if (raw.trim() === '' || !Number.isInteger(value) || value < 0 || value > 100) throw new Error('--sample-percent must be integers from 0 to 100, comma-separated');
    return value;
  });
  const routes = values.routes === undefined ? defaultConfig.routes : values.routes.split(',');
  for (const route of routes) {
    if (!(benchRoutes as readonly string[]).includes(route)) throw new Error(`--routes: unknown route ${route} (${benchRoutes.join(', ')})`);
  }
  return {
    config: {
      ...defaultConfig,
      durationSeconds: positive('duration', values.duration, defaultConfig.durationSeconds),
      warmupSeconds: positive('warmup', values.warmup, defaultConfig.warmupSeconds, true),
      connections: positive('connections', values.connections, defaultConfig.connections),
      rounds: positive('rounds', values.rounds, defaultConfig.rounds),
      routes: routes as BenchRoute[],
      logLevel: values['log-level'] ?? defaultConfig.logLevel,
      traceSamplePercent: samplePercents[0]!,
    },
    samplePercents,
    out: resolve(values.out ?? join(__dirname, '..', 'bench-results', 'latest.json')),
    ...(values.chart ? { chart: resolve(values.chart) } : {}),
  };
}

async function main(): Promise<void> {
  const { config, samplePercents, out, chart } = configFromArgs(process.argv.slice(2));
  const reports: BenchReport[] = [];
  for (const traceSamplePercent of samplePercents) {
    const report = await runBenchmark({ ...config, traceSamplePercent });
    reports.push(report);
    process.stdout.write(`${renderReport(report)}\n\n`);
  }
  if (reports.length > 1) process.stdout.write(`${renderSamplingTable(reports)}\n\n`);
  mkdirSync(dirname(out), { recursive: true });
  // One sampling: the report itself, as before; several: the list of reports.
  writeFileSync(out, `${JSON.stringify(reports.length === 1 ? reports[0] : reports, null, 2)}\n`);
  process.stdout.write(`JSON: ${out}\n`);
  if (chart) {
    mkdirSync(dirname(chart), { recursive: true });
    writeFileSync(chart, renderChart(reports, `Throughput with telemetry on over off, paired by round (${new Date(reports[0]!.startedAt).toISOString().slice(0, 10)})`));
    process.stdout.write(`Chart: ${chart}\n`);
  }
}

runMain(module, main);
