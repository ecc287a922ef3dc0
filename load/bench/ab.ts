/**
 * `npm run bench:ab -w load -- --baseline <dir> [--route cached-read] [--duration 4] [--rounds 6] [--sample-percent 100]`
 * A/B of two builds of the service side by side: the baseline is another checkout whose `service/dist` is built
 * (e.g. `git worktree add /tmp/base <commit> && (cd /tmp/base && npm ci && npm run build -w service)`), the
 * candidate is this tree. Both run with the benchmark's telemetry-on environment, plus this tree with telemetry
 * off as the reference, against the same Postgres, Redis and OTLP receiver, measured in rotating order round
 * after round so the drift of a shared machine hits each alike. Reports, per build, the median server CPU per
 * request (from /proc), throughput and p99, and the candidate/baseline ratio of each round's CPU per request.
 */
import autocannon from 'autocannon';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { freePort, runMigrationsProcess, serviceEnvironment, serviceRoot, startPostgres, startRedis } from '@lab/service/testing';
import { autocannonRequests, benchRoutes, type BenchRoute } from './routes.ts';
import { ReceiverThread } from './receiver-thread.ts';
import { cpuSeconds, startBuiltService, type BuiltService } from './processes.ts';
import { median } from './stats.ts';
import { createPool, labEnvironment, onEnvironment } from './run.ts';
import { runMain, stopLab } from './cli.ts';

interface Candidate {
  readonly name: string;
  readonly serviceDir: string;
  readonly telemetry: boolean;
}


async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      baseline: { type: 'string' },
      route: { type: 'string' },
      duration: { type: 'string' },
      rounds: { type: 'string' },
      'sample-percent': { type: 'string' },
    },
  });
  if (!values.baseline) throw new Error('--baseline <checkout> is required (a directory with service/dist built)');
  const baselineDir = resolve(values.baseline, 'service');
  const route = (values.route ?? 'cached-read') as BenchRoute;
  if (!benchRoutes.includes(route)) throw new Error(`--route: unknown route ${route}`);
  const duration = Number(values.duration ?? 4);
  const rounds = Number(values.rounds ?? 6);
  const samplePercent = Number(values['sample-percent'] ?? 100);
  if (!(samplePercent >= 0 && samplePercent <= 100)) throw new Error('--sample-percent must be 0 to 100');
  const candidates: Candidate[] = [
    { name: 'baseline on', serviceDir: baselineDir, telemetry: true },
    { name: 'candidate on', serviceDir: serviceRoot, telemetry: true },
    { name: 'candidate off', serviceDir: serviceRoot, telemetry: false },
  ];

  const [pg, redis] = await Promise.all([startPostgres(), startRedis()]);
  const receiver = await ReceiverThread.start();
  const started: BuiltService[] = [];
  try {
    const migration = await runMigrationsProcess(pg.url);
    if (migration.code !== 0) throw new Error(migration.output);
    const lab = labEnvironment();
    for (const candidate of candidates) {
      const port = await freePort();
      const env = serviceEnvironment(
        {
          databaseUrl: pg.url,
          redisUrl: redis.url,
          ...(candidate.telemetry ? { otlpEndpoint: receiver.endpoint } : {}),
          extra: { ...(candidate.telemetry ? onEnvironment('warn', samplePercent) : { LOG_LEVEL: 'warn' }), ...lab },
        },
        port,
      );
      started.push(await startBuiltService(candidate.serviceDir, env, port, candidate.name));
    }
    const reference = started[2]!;
    const pool = await createPool({ fetch: (path: string, init?: RequestInit) => fetch(`${reference.baseUrl}${path}`, init) }, 50);
    for (const id of pool) await (await fetch(`${reference.baseUrl}/api/items/${id}`)).arrayBuffer();
    const samples = candidates.map(() => ({ cpu: [] as number[], rps: [] as number[], p99: [] as number[] }));
    for (let round = 0; round < rounds; round++) {
      for (let k = 0; k < candidates.length; k++) {
        const i = (k + round) % candidates.length;
        const service = started[i]!;
        const requests = autocannonRequests(route, pool, samplePercent / 100);
        await autocannon({ url: service.baseUrl, connections: 20, duration: 1, requests });
        const before = cpuSeconds(service.process.pid);
        const result = await autocannon({ url: service.baseUrl, connections: 20, duration, requests });
        samples[i]!.cpu.push(((cpuSeconds(service.process.pid) - before) * 1e6) / Math.max(1, result['2xx']));
        samples[i]!.rps.push(result.requests.average);
        samples[i]!.p99.push(result.latency.p99);
      }
      process.stderr.write(`[ab] round ${round + 1}/${rounds}: ${candidates.map((c, i) => `${c.name} ${samples[i]!.cpu.at(-1)!.toFixed(0)} µs`).join(', ')}\n`);
    }
    const paired = samples[1]!.cpu.map((cpu, r) => cpu / samples[0]!.cpu[r]!);
    const offCpu = median(samples[2]!.cpu);
    process.stdout.write(
      [
        `${route}, ${samplePercent}% of traces recorded: ${rounds} rounds × ${duration}s, medians`,
        '| build | req/s | p99 ms | CPU µs/req | CPU on/off |',
        '|-------|-------|--------|------------|------------|',
        ...candidates.map((c, i) => {
          const cpu = median(samples[i]!.cpu);
          return `| ${c.name} | ${median(samples[i]!.rps).toFixed(0)} | ${median(samples[i]!.p99).toFixed(1)} | ${cpu.toFixed(0)} | ×${(cpu / offCpu).toFixed(2)} |`;
        }),
        `Candidate/baseline CPU per request, paired by round: median ×${median(paired).toFixed(3)} (${Math.min(...paired).toFixed(3)} to ${Math.max(...paired).toFixed(3)})`,
      ].join('\n') + '\n',
    );
  } finally {
    await stopLab({ services: started, receiver, stores: [pg, redis] });
  }
}

runMain(module, main);
