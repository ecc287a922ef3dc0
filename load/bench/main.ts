/**
 * `npm run bench` (root) → `npm run bench -w load`: the telemetry-cost benchmark.
 * Options: --duration <s> --warmup <s> --connections <n> --rounds <n> --routes a,b --log-level <lvl>
 *          --sample-percent <0-100> --out <file>
 * Needs the service built (npm run build at the root) and Postgres/Redis binaries (or TEST_DATABASE_URL /
 * TEST_REDIS_URL).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { benchRoutes, type BenchRoute } from './routes.ts';
import { defaultConfig, runBenchmark, type BenchConfig } from './run.ts';
import { renderReport } from './report.ts';
import { runMain } from './cli.ts';

export function configFromArgs(argv: readonly string[]): { config: BenchConfig; out: string } {
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
    },
  });
  const positive = (name: string, raw: string | undefined, fallback: number, allowZero = false): number => {
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) throw new Error(`--${name} must be a positive number`);
    return value;
  };
  const samplePercent = (raw: string | undefined): number => {
    if (raw === undefined) return defaultConfig.traceSamplePercent;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 0 || value > 100) throw new Error('--sample-percent must be an integer from 0 to 100');
    return value;
  };
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
      traceSamplePercent: samplePercent(values['sample-percent']),
    },
    out: resolve(values.out ?? join(__dirname, '..', 'bench-results', 'latest.json')),
  };
}

async function main(): Promise<void> {
  const { config, out } = configFromArgs(process.argv.slice(2));
  const report = await runBenchmark(config);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(`${renderReport(report)}\n\nJSON: ${out}\n`);
}

runMain(module, main);
