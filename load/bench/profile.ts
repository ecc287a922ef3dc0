/**
 * `npm run bench:profile -w load -- [--route cached-read] [--duration 10] [--mode on|off] [--sample-percent N]`
 * Runs one route against the service under `--cpu-prof` and prints where its CPU went, by package and by
 * function (self time). This is how the telemetry cost in BENCHMARKS.md was attributed. With
 * `--sample-percent`, requests carry the edge's traceparent sampled for that share, as in `npm run bench`.
 */
import autocannon from 'autocannon';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runMigrationsProcess, type RunningService, startPostgres, startRedis, startService } from '@lab/service/testing';
import { autocannonRequests, benchRoutes, type BenchRoute } from './routes.ts';
import { ReceiverThread } from './receiver-thread.ts';
import { cpuSeconds } from './processes.ts';
import { createPool, labEnvironment, onEnvironment } from './run.ts';
import { runMain, stopLab } from './cli.ts';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Where a frame's code lives: an npm package, the service's own code, Node internals, or the VM. */
export function frameOwner(url: string): string {
  if (url === '') return '(vm: gc, idle, program)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  if (url.startsWith('node:')) return 'node internals';
  if (url.includes('/service/dist/')) return 'service code';
  return url;
}

/** Self time per owner and per function, in milliseconds, from a V8 CPU profile. */
export function attribute(profile: CpuProfile): { byOwner: Map<string, number>; byFunction: Map<string, number>; totalMs: number } {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const byOwner = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let totalMs = 0;
  profile.samples.forEach((id, i) => {
    const node = nodes.get(id);
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    if (!node) return;
    const name = node.callFrame.functionName || '(anonymous)';
    if (name === '(idle)') return;
    totalMs += ms;
    const owner = frameOwner(node.callFrame.url);
    byOwner.set(owner, (byOwner.get(owner) ?? 0) + ms);
    const key = `${name} ${owner}${node.callFrame.url ? `:${node.callFrame.lineNumber + 1}` : ''}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + ms);
  });
  return { byOwner, byFunction, totalMs };
}

function top(map: Map<string, number>, total: number, n: number): string {
  return [...map.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([key, ms]) => `${((ms / total) * 100).toFixed(1).padStart(5)}%  ${key}`)
    .join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { route: { type: 'string' }, duration: { type: 'string' }, mode: { type: 'string' }, env: { type: 'string', multiple: true }, 'sample-percent': { type: 'string' } } });
  // Extra service environment, KEY=VALUE, for ablations (e.g. --env OTEL_TRACES_SAMPLER=always_off).
  const extraEnv = Object.fromEntries((values.env ?? []).map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]));
  const route = (values.route ?? 'cached-read') as BenchRoute;
  if (!benchRoutes.includes(route)) throw new Error(`unknown route ${route}`);
  const duration = Number(values.duration ?? 10);
  const telemetry = (values.mode ?? 'on') === 'on';
  const edgeSampleRatio = values['sample-percent'] === undefined ? undefined : Number(values['sample-percent']) / 100;
  if (edgeSampleRatio !== undefined && !(edgeSampleRatio >= 0 && edgeSampleRatio <= 1)) throw new Error('--sample-percent must be 0 to 100');
  const profileDir = mkdtempSync(join(tmpdir(), 'lab-prof-'));

  const [pg, redis] = await Promise.all([startPostgres(), startRedis()]);
  const receiver = await ReceiverThread.start();
  let service: RunningService | undefined;
  try {
    const migration = await runMigrationsProcess(pg.url);
    if (migration.code !== 0) throw new Error(migration.output);
    service = await startService({
      databaseUrl: pg.url,
      redisUrl: redis.url,
      ...(telemetry ? { otlpEndpoint: receiver.endpoint } : {}),
      extra: {
        ...onEnvironment('warn', (edgeSampleRatio ?? 1) * 100),
        // Off means the SDK not started at all, as the benchmark's telemetry-off service.
        ...(telemetry ? {} : { OTEL_SDK_DISABLED: 'true' }),
        // The same service as `npm run bench` measures: long cache entries, fault flags evaluated (every fault off).
        ...labEnvironment(),
        NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${profileDir}`,
        ...extraEnv,
      },
    });
    const pool = await createPool(service, 50);
    const cpuBefore = cpuSeconds(service.process.pid);
    const result = await autocannon({ url: service.baseUrl, connections: 20, duration, requests: autocannonRequests(route, pool, edgeSampleRatio) });
    const cpuMicrosPerRequest = ((cpuSeconds(service.process.pid) - cpuBefore) * 1e6) / Math.max(1, result['2xx']);
    await service.stop(); // V8 writes the profile as the process exits
    const file = readdirSync(profileDir).find((f) => f.endsWith('.cpuprofile'));
    if (!file) throw new Error(`no CPU profile written in ${profileDir}`);
    const { byOwner, byFunction, totalMs } = attribute(JSON.parse(readFileSync(join(profileDir, file), 'utf8')) as CpuProfile);
    process.stdout.write(
      [
        `${route}, telemetry ${telemetry ? 'on' : 'off'} ${JSON.stringify(extraEnv)}: ${result.requests.average.toFixed(0)} req/s, ${cpuMicrosPerRequest.toFixed(0)} µs server CPU/request; sampled time ${(totalMs / 1000).toFixed(1)} s; profile ${join(profileDir, file)}`,
        '',
        'Self time by owner:',
        top(byOwner, totalMs, 25),
        '',
        'Self time by function:',
        top(byFunction, totalMs, 40),
      ].join('\n') + '\n',
    );
  } finally {
    await stopLab({ services: [service], receiver, stores: [pg, redis] });
  }
}

runMain(module, main);
