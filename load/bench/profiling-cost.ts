/**
 * `npm run bench:profiling -w load -- [--routes cached-read,list-page,item-write,order] [--duration 5] [--rounds 8] [--sample-percent 100] [--control]`
 * What continuous profiling costs the service: two processes of this tree, both with the benchmark's telemetry-on
 * environment, one also profiling itself (`PYROSCOPE_SERVER_ADDRESS` set, every other PYROSCOPE_* at its default)
 * and pushing to a sink that stands where Pyroscope would (it answers 200 and keeps only a count). Both run
 * against the same Postgres, Redis and OTLP receiver, measured back to back in alternating order round after
 * round, so a shared machine's drift hits each alike. Reports per route the medians of server CPU per request
 * (from /proc) and throughput, and the on/off ratio of each paired round. `--control` starts the second process
 * without profiling too (an A/A run): its ratios are what two identical processes differ by on this machine.
 */
import autocannon from 'autocannon';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { freePort, runMigrationsProcess, serviceEnvironment, serviceRoot, startPostgres, startRedis } from '@lab/service/testing';
import { autocannonRequests, benchRoutes, type BenchRoute } from './routes.ts';
import { ReceiverThread } from './receiver-thread.ts';
import { cpuSeconds, startBuiltService, type BuiltService } from './processes.ts';
import { median } from './stats.ts';
import { createPool, labEnvironment, onEnvironment } from './run.ts';
import { runMain, stopLab } from './cli.ts';

const variants = ['profiling off', 'profiling on'] as const;
type Variant = (typeof variants)[number];


/** Where Pyroscope's `/ingest` would be: takes every push, keeps a count and the bytes. */
async function startProfileSink(): Promise<{ url: string; pushes: () => number; bytes: () => number; stop(): Promise<void> }> {
  let pushes = 0;
  let bytes = 0;
  const server: Server = createServer((request, response) => {
    request.on('data', (chunk: Buffer) => (bytes += chunk.length));
    request.on('end', () => {
      if (request.url?.startsWith('/ingest')) pushes++;
      response.writeHead(200).end();
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    pushes: () => pushes,
    bytes: () => bytes,
    stop: () => new Promise((done) => server.close(() => done())),
  };
}

interface Samples {
  cpu: number[];
  rps: number[];
  p99: number[];
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      routes: { type: 'string' },
      duration: { type: 'string' },
      rounds: { type: 'string' },
      'sample-percent': { type: 'string' },
      control: { type: 'boolean' },
    },
  });
  const routes = (values.routes?.split(',') ?? [...benchRoutes]) as BenchRoute[];
  for (const route of routes) if (!benchRoutes.includes(route)) throw new Error(`--routes: unknown route ${route} (${benchRoutes.join(', ')})`);
  const duration = Number(values.duration ?? 5);
  const rounds = Number(values.rounds ?? 8);
  const samplePercent = Number(values['sample-percent'] ?? 100);
  if (!(duration > 0) || !(rounds > 0)) throw new Error('--duration and --rounds must be positive');
  if (!(samplePercent >= 0 && samplePercent <= 100)) throw new Error('--sample-percent must be 0 to 100');

  const [pg, redis] = await Promise.all([startPostgres(), startRedis()]);
  const receiver = await ReceiverThread.start();
  const sink = await startProfileSink();
  const started: BuiltService[] = [];
  try {
    const migration = await runMigrationsProcess(pg.url);
    if (migration.code !== 0) throw new Error(migration.output);
    const lab = labEnvironment();
    for (const variant of variants) {
      const port = await freePort();
      const profiling: Record<string, string> = variant === 'profiling on' && !values.control ? { PYROSCOPE_SERVER_ADDRESS: sink.url } : {};
      const env = serviceEnvironment(
        { databaseUrl: pg.url, redisUrl: redis.url, otlpEndpoint: receiver.endpoint, extra: { ...onEnvironment('warn', samplePercent), ...lab, ...profiling } },
        port,
      );
      started.push(await startBuiltService(serviceRoot, env, port));
    }
    const reference = started[0]!;
    const pool = await createPool({ fetch: (path: string, init?: RequestInit) => fetch(`${reference.baseUrl}${path}`, init) }, 50);
    for (const service of started) for (const id of pool) await (await fetch(`${service.baseUrl}/api/items/${id}`)).arrayBuffer();

    const samples = new Map<BenchRoute, Record<Variant, Samples>>(
      routes.map((route) => [route, { 'profiling off': { cpu: [], rps: [], p99: [] }, 'profiling on': { cpu: [], rps: [], p99: [] } }]),
    );
    for (let round = 0; round < rounds; round++) {
      for (const route of routes) {
        const order = round % 2 === 0 ? [0, 1] : [1, 0];
        for (const i of order) {
          const service = started[i]!;
          const requests = autocannonRequests(route, pool, samplePercent / 100);
          await autocannon({ url: service.baseUrl, connections: 20, duration: 1, requests });
          const before = cpuSeconds(service.process.pid);
          const result = await autocannon({ url: service.baseUrl, connections: 20, duration, requests });
          const s = samples.get(route)![variants[i]!];
          s.cpu.push(((cpuSeconds(service.process.pid) - before) * 1e6) / Math.max(1, result['2xx']));
          s.rps.push(result.requests.average);
          s.p99.push(result.latency.p99);
        }
        const s = samples.get(route)!;
        process.stderr.write(
          `[profiling] round ${round + 1}/${rounds} ${route}: off ${s['profiling off'].cpu.at(-1)!.toFixed(0)} µs ${s['profiling off'].rps.at(-1)!.toFixed(0)} req/s, on ${s['profiling on'].cpu.at(-1)!.toFixed(0)} µs ${s['profiling on'].rps.at(-1)!.toFixed(0)} req/s\n`,
        );
      }
    }
    const range = (values: number[]) => `×${median(values).toFixed(3)} (${Math.min(...values).toFixed(3)} to ${Math.max(...values).toFixed(3)})`;
    const lines = [
      `${values.control ? 'CONTROL (A/A: "profiling on" runs without profiling too), ' : ''}${samplePercent}% of traces recorded, ${rounds} rounds × ${duration}s per route and variant, alternating order; medians`,
      `profiles pushed by the profiling service: ${sink.pushes()} (${(sink.bytes() / 1024).toFixed(0)} KiB)`,
      '| route | off req/s | on req/s | off CPU µs/req | on CPU µs/req | CPU/req on/off, paired (range) | req/s on/off, paired (range) |',
      '|-------|-----------|----------|----------------|---------------|--------------------------------|------------------------------|',
      ...routes.map((route) => {
        const { 'profiling off': off, 'profiling on': on } = samples.get(route)!;
        const cpuRatio = on.cpu.map((cpu, r) => cpu / off.cpu[r]!);
        const rpsRatio = on.rps.map((rps, r) => rps / off.rps[r]!);
        return `| ${route} | ${median(off.rps).toFixed(0)} | ${median(on.rps).toFixed(0)} | ${median(off.cpu).toFixed(0)} | ${median(on.cpu).toFixed(0)} | ${range(cpuRatio)} | ${range(rpsRatio)} |`;
      }),
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    await stopLab({ services: started, receiver, stores: [pg, redis] });
    await sink.stop();
  }
}

runMain(module, main);
