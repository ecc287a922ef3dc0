/**
 * `npm run bench:ablation -w load -- [--route cached-read] [--duration 5] [--rounds 5]`
 * Where does the telemetry cost go? Starts one service per variant (telemetry off, fully on, and on with one
 * part switched off through standard OTEL_* variables), all at
 * once against the same Postgres and Redis, and measures them in rotating order round after round, so drift
 * on a shared machine hits every variant alike.
 * Reports the median server CPU per request and throughput of each.
 */
import autocannon from 'autocannon';
import { parseArgs } from 'node:util';
import { runMigrationsProcess, type RunningService, startPostgres, startRedis, startService } from '@lab/service/testing';
import { autocannonRequests, benchRoutes, type BenchRoute } from './routes.ts';
import { ReceiverThread } from './receiver-thread.ts';
import { cpuSeconds } from './processes.ts';
import { median } from './stats.ts';
import { createPool, labEnvironment, onEnvironment } from './run.ts';
import { runMain, stopLab } from './cli.ts';

export interface Variant {
  readonly name: string;
  /** Undefined: telemetry off (OTEL_SDK_DISABLED=true). */
  readonly env?: Record<string, string>;
}

const base = onEnvironment('warn', 100);

/** Every variant the tool knows; `--variants a,b` picks some (default: the attribution set). */
export const variantCatalog: readonly Variant[] = [
  { name: 'off' },
  { name: 'on', env: base },
  { name: 'no-trace-export', env: { ...base, OTEL_TRACES_EXPORTER: 'none' } },
  { name: 'sampler-always-off', env: { ...base, OTEL_TRACES_SAMPLER: 'always_off' } },
  { name: 'no-metric-export', env: { ...base, OTEL_METRICS_EXPORTER: 'none' } },
  { name: 'no-log-export', env: { ...base, OTEL_LOGS_EXPORTER: 'none' } },
  { name: 'no-export', env: { ...base, OTEL_TRACES_EXPORTER: 'none', OTEL_METRICS_EXPORTER: 'none', OTEL_LOGS_EXPORTER: 'none' } },
  // Candidate mitigations, all standard SDK variables:
  { name: 'head-sampling-10pct', env: { ...base, OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.1' } },
  { name: 'head-sampling-5pct', env: { ...base, OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.05' } },
  { name: 'otlp-http-json', env: { ...base, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' } },
  { name: 'batch-2048', env: { ...base, OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '2048', OTEL_BSP_MAX_QUEUE_SIZE: '8192' } },
  { name: 'batch-128', env: { ...base, OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '128' } },
  { name: 'batch-256', env: { ...base, OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '256' } },
  { name: 'batch-512', env: { ...base, OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '512' } },
  { name: 'batch-1024', env: { ...base, OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '1024' } },
  // How much of the cost is the young generation's garbage collection: a larger nursery scavenges less often.
  { name: 'off-semi-space-64', env: { OTEL_SDK_DISABLED: 'true', NODE_OPTIONS: '--max-semi-space-size=64' } },
  { name: 'on-semi-space-64', env: { ...base, NODE_OPTIONS: '--max-semi-space-size=64' } },
];

const attributionSet = ['off', 'on', 'no-trace-export', 'sampler-always-off', 'no-metric-export', 'no-log-export', 'no-export'];

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { route: { type: 'string' }, duration: { type: 'string' }, rounds: { type: 'string' }, variants: { type: 'string' } } });
  const names = values.variants?.split(',') ?? attributionSet;
  const variants = names.map((name) => {
    const variant = variantCatalog.find((v) => v.name === name);
    if (!variant) throw new Error(`unknown variant "${name}"; known: ${variantCatalog.map((v) => v.name).join(' | ')}`);
    return variant;
  });
  if (variants[0]?.name !== 'off') throw new Error('the first variant must be "off": the others are compared with it');
  const route = (values.route ?? 'cached-read') as BenchRoute;
  if (!benchRoutes.includes(route)) throw new Error(`unknown route ${route}`);
  const duration = Number(values.duration ?? 5);
  const rounds = Number(values.rounds ?? 5);

  const [pg, redis] = await Promise.all([startPostgres(), startRedis()]);
  const receiver = await ReceiverThread.start();
  const services: RunningService[] = [];
  try {
    const migration = await runMigrationsProcess(pg.url);
    if (migration.code !== 0) throw new Error(migration.output);
    // The same service as `npm run bench` measures: long cache entries, fault flags evaluated (every fault off).
    const lab = labEnvironment();
    for (const variant of variants) {
      services.push(
        await startService({
          databaseUrl: pg.url,
          redisUrl: redis.url,
          ...(variant.env ? { otlpEndpoint: receiver.endpoint } : {}),
          extra: { LOG_LEVEL: 'warn', ...lab, ...variant.env },
        }),
      );
    }
    const pool = await createPool(services[0]!, 50);
    const samples = variants.map(() => ({ cpu: [] as number[], rps: [] as number[] }));
    for (let round = 0; round < rounds; round++) {
      for (let k = 0; k < variants.length; k++) {
        const i = (k + round) % variants.length;
        const service = services[i]!;
        await autocannon({ url: service.baseUrl, connections: 20, duration: 1, requests: autocannonRequests(route, pool) });
        const before = cpuSeconds(service.process.pid);
        const result = await autocannon({ url: service.baseUrl, connections: 20, duration, requests: autocannonRequests(route, pool) });
        samples[i]!.cpu.push(((cpuSeconds(service.process.pid) - before) * 1e6) / Math.max(1, result['2xx']));
        samples[i]!.rps.push(result.requests.average);
      }
      process.stderr.write(`[ablation] round ${round + 1}/${rounds} done\n`);
    }
    const offCpu = median(samples[0]!.cpu);
    const lines = variants.map((variant, i) => {
      const cpu = median(samples[i]!.cpu);
      return `| ${variant.name.padEnd(20)} | ${median(samples[i]!.rps).toFixed(0).padStart(6)} | ${cpu.toFixed(0).padStart(6)} | ${(cpu - offCpu).toFixed(0).padStart(6)} |`;
    });
    process.stdout.write(
      [
        `${route}: ${rounds} rounds × ${duration}s per variant, medians`,
        '| variant                    |  req/s | CPU µs/req | +µs vs off |',
        '|----------------------------|--------|--------|--------|',
        ...lines,
      ].join('\n') + '\n',
    );
  } finally {
    await stopLab({ services, receiver, stores: [pg, redis] });
  }
}

runMain(module, main);
