/**
 * `npm run bench:ab -w load -- --baseline [name=]<dir> [--baseline [name=]<dir> ...] [--route cached-read]
 *   [--duration 4] [--rounds 6] [--sample-percent 100] [--no-candidate]`
 * A/B of builds of the service side by side: each baseline is another checkout whose `service/dist` is built
 * and whose `node_modules` it runs on (e.g. `git worktree add /tmp/base <commit> && (cd /tmp/base && npm ci &&
 * npm run build -w service)`, or a copy of this tree with a dependency patch reverted), the candidate is this
 * tree (left out with --no-candidate: the first baseline is then also the telemetry-off reference). Every build runs with the benchmark's telemetry-on environment, plus this tree with telemetry off as the
 * reference, against the same Postgres, Redis and OTLP receiver, measured in rotating order round after round so
 * the drift of a shared machine hits each alike. Reports, per build, the medians of throughput, p99 and server
 * CPU per request (from /proc), and each build's throughput and CPU per request over the first baseline's,
 * paired by round (median and range).
 */
import autocannon from 'autocannon';
import { basename, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { freePort, runMigrationsProcess, serviceEnvironment, serviceRoot, startPostgres, startRedis } from '@lab/service/testing';
import { autocannonRequests, benchRoutes, type BenchRoute } from './routes.ts';
import { ReceiverThread } from './receiver-thread.ts';
import { cpuSeconds, startBuiltService, type BuiltService } from './processes.ts';
import { median } from './stats.ts';
import { createPool, labEnvironment, onEnvironment } from './run.ts';
import { runMain, stopLab } from './cli.ts';

export interface Build {
  readonly name: string;
  readonly serviceDir: string;
  readonly telemetry: boolean;
}

/** `name=dir` or `dir` (named after the directory). */
export function baselineBuild(argument: string): Build {
  const at = argument.indexOf('=');
  const dir = resolve(at === -1 ? argument : argument.slice(at + 1));
  return { name: at === -1 ? basename(dir) : argument.slice(0, at), serviceDir: resolve(dir, 'service'), telemetry: true };
}

/** Each round's value of `of` over the reference's in the same round: median and range. */
export function pairedOver(of: readonly number[], reference: readonly number[]): { median: number; min: number; max: number } {
  const ratios = of.map((value, round) => value / reference[round]!);
  return { median: median(ratios), min: Math.min(...ratios), max: Math.max(...ratios) };
}

const ratio = (r: { median: number; min: number; max: number }) => `×${r.median.toFixed(3)} (${r.min.toFixed(3)} to ${r.max.toFixed(3)})`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      baseline: { type: 'string', multiple: true },
      route: { type: 'string' },
      duration: { type: 'string' },
      rounds: { type: 'string' },
      'sample-percent': { type: 'string' },
      'no-candidate': { type: 'boolean' },
    },
  });
  if (!values.baseline?.length) throw new Error('--baseline [name=]<checkout> is required (a directory with service/dist built)');
  const route = (values.route ?? 'cached-read') as BenchRoute;
  if (!benchRoutes.includes(route)) throw new Error(`--route: unknown route ${route}`);
  const duration = Number(values.duration ?? 4);
  const rounds = Number(values.rounds ?? 6);
  const samplePercent = Number(values['sample-percent'] ?? 100);
  if (!(samplePercent >= 0 && samplePercent <= 100)) throw new Error('--sample-percent must be 0 to 100');
  const baselines = values.baseline.map(baselineBuild);
  // With --no-candidate only the baselines are compared, and the first one with telemetry off is the reference.
  const builds: Build[] = values['no-candidate']
    ? [...baselines, { name: `${baselines[0]!.name} off`, serviceDir: baselines[0]!.serviceDir, telemetry: false }]
    : [...baselines, { name: 'candidate', serviceDir: serviceRoot, telemetry: true }, { name: 'candidate off', serviceDir: serviceRoot, telemetry: false }];

  const [pg, redis] = await Promise.all([startPostgres(), startRedis()]);
  const receiver = await ReceiverThread.start();
  const started: BuiltService[] = [];
  try {
    const migration = await runMigrationsProcess(pg.url);
    if (migration.code !== 0) throw new Error(migration.output);
    const lab = labEnvironment();
    for (const build of builds) {
      const port = await freePort();
      const env = serviceEnvironment(
        {
          databaseUrl: pg.url,
          redisUrl: redis.url,
          ...(build.telemetry ? { otlpEndpoint: receiver.endpoint } : {}),
          extra: { ...(build.telemetry ? onEnvironment('warn', samplePercent) : { LOG_LEVEL: 'warn' }), ...lab },
        },
        port,
      );
      started.push(await startBuiltService(build.serviceDir, env, port, build.name));
    }
    const reference = started.at(-1)!;
    const pool = await createPool({ fetch: (path: string, init?: RequestInit) => fetch(`${reference.baseUrl}${path}`, init) }, 50);
    for (const id of pool) await (await fetch(`${reference.baseUrl}/api/items/${id}`)).arrayBuffer();
    const samples = builds.map(() => ({ cpu: [] as number[], rps: [] as number[], p99: [] as number[] }));
    for (let round = 0; round < rounds; round++) {
      for (let k = 0; k < builds.length; k++) {
        const i = (k + round) % builds.length;
        const service = started[i]!;
        const requests = autocannonRequests(route, pool, samplePercent / 100);
        await autocannon({ url: service.baseUrl, connections: 20, duration: 1, requests });
        const before = cpuSeconds(service.process.pid);
        const result = await autocannon({ url: service.baseUrl, connections: 20, duration, requests });
        samples[i]!.cpu.push(((cpuSeconds(service.process.pid) - before) * 1e6) / Math.max(1, result['2xx']));
        samples[i]!.rps.push(result.requests.average);
        samples[i]!.p99.push(result.latency.p99);
      }
      process.stderr.write(`[ab] round ${round + 1}/${rounds}: ${builds.map((b, i) => `${b.name} ${samples[i]!.rps.at(-1)!.toFixed(0)} req/s ${samples[i]!.cpu.at(-1)!.toFixed(0)} µs`).join(', ')}\n`);
    }
    const offCpu = median(samples.at(-1)!.cpu);
    const first = samples[0]!;
    process.stdout.write(
      [
        `${route}, ${samplePercent}% of traces recorded: ${rounds} rounds × ${duration}s, medians; paired ratios over ${builds[0]!.name}, by round`,
        `| build | req/s | p99 ms | CPU µs/req | CPU on/off | req/s over ${builds[0]!.name} | CPU/req over ${builds[0]!.name} |`,
        '|-------|-------|--------|------------|------------|------|------|',
        ...builds.map((b, i) => {
          const s = samples[i]!;
          const cpu = median(s.cpu);
          return `| ${b.name} | ${median(s.rps).toFixed(0)} | ${median(s.p99).toFixed(1)} | ${cpu.toFixed(0)} | ×${(cpu / offCpu).toFixed(2)} | ${ratio(pairedOver(s.rps, first.rps))} | ${ratio(pairedOver(s.cpu, first.cpu))} |`;
        }),
      ].join('\n') + '\n',
    );
  } finally {
    await stopLab({ services: started, receiver, stores: [pg, redis] });
  }
}

runMain(module, main);
