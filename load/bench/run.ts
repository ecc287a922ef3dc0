import autocannon from 'autocannon';
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import {
  newTraceparent,
  runMigrationsProcess,
  type RunningService,
  startPostgres,
  startRedis,
  startService,
  type TestServer,
  writeFlagFile,
} from '@lab/service/testing';
import { cpus, release, tmpdir, totalmem } from 'node:os';
import { autocannonRequests, benchRoutes, routeSpecs, type BenchRoute } from './routes.ts';
import { ReceiverThread } from './receiver-thread.ts';
import { cpuSeconds, peakRssMiB, startBareServer, type BareServer } from './processes.ts';
import { median, onOffRatio, pairedRatios, sdkReportedSpanDrops, spanAccount, type SpanAccount } from './stats.ts';

export const modes = ['telemetry-on', 'telemetry-off', 'bare-node-http'] as const;
export type Mode = (typeof modes)[number];

export interface BenchConfig {
  /** Measured seconds per (route, mode, round). */
  readonly durationSeconds: number;
  /** Unmeasured seconds before each measurement (JIT, pools, caches). */
  readonly warmupSeconds: number;
  readonly connections: number;
  /** Rounds alternate the on/off order, and the report takes the median, to cancel drift on a shared box. */
  readonly rounds: number;
  readonly routes: readonly BenchRoute[];
  readonly poolSize: number;
  /** Traced requests per route used to learn how many spans one request makes. */
  readonly calibrationRequests: number;
  /** LOG_LEVEL of the service (the benchmark uses warn: no per-request access log). */
  readonly logLevel: string;
  /**
   * Percentage of the measured requests traced, as the lab's `traceSamplePercent` knob decides it: every
   * request carries an edge `traceparent` (as Traefik sends it), sampled for this share, and the service
   * follows it (parentbased_traceidratio); 100 records every span.
   */
  readonly traceSamplePercent: number;
}

export const defaultConfig: BenchConfig = {
  durationSeconds: 10,
  warmupSeconds: 3,
  connections: 20,
  rounds: 3,
  routes: benchRoutes,
  poolSize: 100,
  calibrationRequests: 20,
  logLevel: 'warn',
  traceSamplePercent: 100,
};

export interface Measurement {
  readonly route: BenchRoute;
  readonly mode: Mode;
  readonly round: number;
  readonly requestsPerSecond: number;
  readonly latencyP50Ms: number;
  readonly latencyP99Ms: number;
  readonly completed: number;
  readonly non2xx: number;
  readonly errors: number;
  /** CPU time the server process spent per answered request, microseconds (robust to a shared, busy box). */
  readonly serverCpuMicrosPerRequest: number;
}

export interface RouteSummary {
  readonly route: BenchRoute;
  readonly byMode: Record<Mode, { requestsPerSecond: number; latencyP50Ms: number; latencyP99Ms: number; serverCpuMicrosPerRequest: number }>;
  /** Telemetry-on throughput as a share of telemetry-off throughput (ratio of the two medians). */
  readonly onOffRatio: number;
  /** The same, per round (on and off measured back to back): median and range over rounds. */
  readonly pairedOnOff: { median: number; min: number; max: number; rounds: number };
  /** Server CPU per request, on over off (1.25 = telemetry adds 25% CPU per request). */
  readonly cpuPerRequestOnOff: number;
  readonly offBareRatio: number;
  /** SERVER spans the receiver got for this route vs requests the on service answered (not for the mix). */
  readonly serverSpans?: { received: number; requests: number };
}

export interface BenchReport {
  readonly startedAt: string;
  readonly machine: { cpuModel: string; cpus: number; memoryGiB: number; kernel: string; node: string };
  readonly config: BenchConfig;
  readonly serviceEnvironment: Record<Mode, Record<string, string>>;
  readonly measurements: Measurement[];
  readonly summary: RouteSummary[];
  readonly spansPerRequest: Record<string, number>;
  readonly spans: SpanAccount;
  readonly peakRssMiB: Record<Mode, number>;
}

/** The sampler the lab gives each replica: follow the edge's decision, and sample its own root spans alike. */
export function labSampler(ratio: number): Record<string, string> {
  return { OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: String(ratio) };
}

/**
 * Telemetry-on exports to the local receiver with the SDK's own batching defaults, except the metric interval
 * (10 s instead of 60 s, so metric export happens inside the measured window as it does in the lab stack).
 * OTEL_LOG_LEVEL=warn makes the SDK report its own queue drops. The ablation and profile tools start from it
 * too, so the "on" they attribute is the one this benchmark measures.
 */
export function onEnvironment(logLevel: string, traceSamplePercent: number): Record<string, string> {
  return {
    ...labSampler(traceSamplePercent / 100),
    LOG_LEVEL: logLevel,
    OTEL_LOG_LEVEL: 'warn',
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
    OTEL_BSP_SCHEDULE_DELAY: '5000',
    OTEL_BLRP_SCHEDULE_DELAY: '1000',
    OTEL_METRIC_EXPORT_INTERVAL: '10000',
    OTEL_RESOURCE_ATTRIBUTES: 'service.instance.id=bench-on',
  };
}

/**
 * What both services get besides their telemetry settings, as a lab replica runs:
 * - every mode's cached read must be a Redis hit, the bare handler's included (it has no Postgres to fall
 *   back on): entries outlive the whole run instead of the service's default 60 s;
 * - the fault flags are evaluated on every request, as with the lab's flagd (each evaluation is a span event
 *   and a counted metric when telemetry is on): from a flag file with every fault off, in flagd's schema.
 */
export function labEnvironment(): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'lab-bench-flags-'));
  const flagFile = join(dir, 'flags.json');
  writeFlagFile(flagFile);
  return { CACHE_TTL_SECONDS: '86400', FLAGD_OFFLINE_FLAG_SOURCE_PATH: flagFile };
}

const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);

/** The most frequent value: spans per request is a fixed number per route; a straddled batch is an outlier. */
function mode(values: readonly number[]): number {
  const counts = new Map<number, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || b[0] - a[0])[0]?.[0] ?? 0;
}

/** Items to read and order from, each with stock no benchmark can exhaust. */
export async function createPool(service: Pick<RunningService, 'fetch'>, size: number): Promise<number[]> {
  const ids: number[] = [];
  for (let i = 0; i < size; i++) {
    const res = await service.fetch('/api/items', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: `bench pool ${i}`, priceCents: 100 + i, stock: 1_000_000_000 }),
    });
    if (res.status !== 201) throw new Error(`creating pool item: ${res.status} ${await res.text()}`);
    ids.push(((await res.json()) as { id: number }).id);
  }
  return ids;
}

async function send(service: RunningService, route: BenchRoute, pool: readonly number[], headers: Record<string, string> = {}): Promise<void> {
  const request = routeSpecs[route].request(pool);
  const res = await service.fetch(request.path, { method: request.method, headers: { ...request.headers, ...headers }, body: request.body });
  await res.arrayBuffer();
  if (!request.expectedStatuses.includes(res.status)) throw new Error(`${route}: ${request.method} ${request.path}: expected ${request.expectedStatuses.join(' or ')}, got ${res.status}`);
}

/** The mix draws a different request each time: its spans per request are a mean over more requests. */
const mixCalibrationFactor = 5;

async function calibrate(on: RunningService, receiver: ReceiverThread, routes: readonly BenchRoute[], pool: readonly number[], n: number) {
  const traces = new Map<BenchRoute, string[]>();
  for (const route of routes) {
    const ids: string[] = [];
    for (let i = 0; i < (route === 'mix' ? n * mixCalibrationFactor : n); i++) {
      const { traceparent, traceId } = newTraceparent();
      ids.push(traceId);
      // Watched before it is sent: a batch can be exported, and drained, while calibration still runs.
      receiver.watch([traceId]);
      await send(on, route, pool, { traceparent });
    }
    traces.set(route, ids);
  }
  const all = [...traces.values()].flat();
  const deadline = Date.now() + 20_000;
  while (all.some((id) => receiver.spansOf(id) === 0)) {
    if (Date.now() > deadline) {
      const missing = [...traces].map(([route, ids]) => `${route} ${ids.filter((id) => receiver.spansOf(id) === 0).length}/${ids.length}`);
      throw new Error(`calibration traces never reached the receiver (missing by route: ${missing.join(', ')})`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const perRequest: Record<string, number> = {};
  for (const [route, ids] of traces) {
    const counts = ids.map((id) => receiver.spansOf(id));
    perRequest[route] = route === 'mix' ? counts.reduce((sum, c) => sum + c, 0) / counts.length : mode(counts);
  }
  return perRequest;
}

/** Every mode gets the same requests, each with the edge proxy's traceparent (see edgeTraceparent). */
async function measure(url: string, route: BenchRoute, pool: readonly number[], seconds: number, connections: number, edgeSampleRatio: number) {
  return autocannon({ url, connections, duration: seconds, requests: autocannonRequests(route, pool, edgeSampleRatio) });
}

const completedOf = (r: autocannon.Result): number => r['1xx'] + r['2xx'] + r['3xx'] + r['4xx'] + r['5xx'];

export async function runBenchmark(config: BenchConfig = defaultConfig): Promise<BenchReport> {
  const startedAt = new Date().toISOString();
  const cleanups: Array<() => Promise<unknown>> = [];
  try {
    log('starting Postgres and Redis');
    const [pg, redis]: TestServer[] = await Promise.all([startPostgres(), startRedis()]);
    cleanups.push(() => pg!.dispose(), () => redis!.dispose());
    const migration = await runMigrationsProcess(pg!.url);
    if (migration.code !== 0) throw new Error(`migrations failed: ${migration.output}`);

    const receiver = await ReceiverThread.start();
    cleanups.push(() => receiver.stop());

    const lab = labEnvironment();
    const env: Record<Mode, Record<string, string>> = {
      'telemetry-on': { ...onEnvironment(config.logLevel, config.traceSamplePercent), ...lab },
      'telemetry-off': { LOG_LEVEL: config.logLevel, OTEL_SDK_DISABLED: 'true', ...lab },
      'bare-node-http': { REDIS_URL: redis!.url },
    };
    log('starting the service twice (telemetry on, telemetry off) and the bare node:http server');
    const on = await startService({ databaseUrl: pg!.url, redisUrl: redis!.url, otlpEndpoint: receiver.endpoint, extra: env['telemetry-on'] });
    cleanups.push(() => on.stop());
    const off = await startService({ databaseUrl: pg!.url, redisUrl: redis!.url, extra: env['telemetry-off'] });
    cleanups.push(() => off.stop());
    const bare: BareServer = await startBareServer(redis!.url);
    cleanups.push(() => bare.stop());

    const pool = await createPool(off, config.poolSize);
    // Fill the cache: reads then hit Redis, which is what "cached read" means.
    for (const id of pool) await (await off.fetch(`/api/items/${id}`)).arrayBuffer();

    log('calibrating spans per request');
    const spansPerRequest = await calibrate(on, receiver, config.routes, pool, config.calibrationRequests).catch((error: unknown) => {
      throw new Error(`${String(error)}; telemetry-on stderr: ${on.stderr.join('').slice(-2000) || '(empty)'}`);
    });
    const sentToOn: Record<string, number> = Object.fromEntries(
      config.routes.map((r) => [r, r === 'mix' ? config.calibrationRequests * mixCalibrationFactor : config.calibrationRequests]),
    );
    // Calibration requests carry a sampled traceparent; the measured ones are traced at the sampling share.
    const tracedShare = config.traceSamplePercent / 100;
    const tracedOfOn: Record<string, number> = { ...sentToOn };

    const urls: Record<Mode, string> = { 'telemetry-on': on.baseUrl, 'telemetry-off': off.baseUrl, 'bare-node-http': bare.baseUrl };
    const pids: Record<Mode, number | undefined> = { 'telemetry-on': on.process.pid, 'telemetry-off': off.process.pid, 'bare-node-http': bare.process.pid };
    const measurements: Measurement[] = [];
    for (let round = 1; round <= config.rounds; round++) {
      for (const route of config.routes) {
        const order: Mode[] = round % 2 === 1 ? ['telemetry-off', 'telemetry-on', 'bare-node-http'] : ['telemetry-on', 'telemetry-off', 'bare-node-http'];
        // The bare ceiling answers canned bodies to the mix's writes, and cannot refill the cache entries they
        // invalidate: it has no mix to compare with.
        for (const mode of order.filter((m) => route !== 'mix' || m !== 'bare-node-http')) {
          if (config.warmupSeconds > 0) {
            const warm = await measure(urls[mode], route, pool, config.warmupSeconds, config.connections, tracedShare);
            if (mode === 'telemetry-on') {
              sentToOn[route] = (sentToOn[route] ?? 0) + completedOf(warm);
              tracedOfOn[route] = (tracedOfOn[route] ?? 0) + completedOf(warm) * tracedShare;
            }
          }
          const cpuBefore = cpuSeconds(pids[mode]);
          const result = await measure(urls[mode], route, pool, config.durationSeconds, config.connections, tracedShare);
          const cpuUsed = cpuSeconds(pids[mode]) - cpuBefore;
          if (mode === 'telemetry-on') {
            sentToOn[route] = (sentToOn[route] ?? 0) + completedOf(result);
            tracedOfOn[route] = (tracedOfOn[route] ?? 0) + completedOf(result) * tracedShare;
          }
          const m: Measurement = {
            route,
            mode,
            round,
            requestsPerSecond: result.requests.average,
            latencyP50Ms: result.latency.p50,
            latencyP99Ms: result.latency.p99,
            completed: completedOf(result),
            non2xx: result.non2xx,
            errors: result.errors,
            serverCpuMicrosPerRequest: (cpuUsed * 1e6) / Math.max(1, completedOf(result)),
          };
          measurements.push(m);
          log(`round ${round} ${route} ${mode}: ${m.requestsPerSecond.toFixed(0)} req/s p50 ${m.latencyP50Ms} ms p99 ${m.latencyP99Ms} ms, ${m.serverCpuMicrosPerRequest.toFixed(0)} µs CPU/req`);
        }
      }
    }

    const peak: Record<Mode, number> = {
      'telemetry-on': peakRssMiB(on.process.pid),
      'telemetry-off': peakRssMiB(off.process.pid),
      'bare-node-http': peakRssMiB(bare.process.pid),
    };

    // SIGTERM makes the SDK flush what it still holds (bounded by the service); then count.
    log('stopping the telemetry-on service so it flushes its last batches');
    await on.stop();
    await new Promise((resolve) => setTimeout(resolve, 500));
    await receiver.drain();
    // Below 100% the expected count is the sampler's expectation: a small shortfall is chance, not a drop.
    const spans = spanAccount(tracedOfOn, spansPerRequest, receiver.total, sdkReportedSpanDrops(on.stderr.join('')));

    const summary: RouteSummary[] = config.routes.map((route) => {
      const pick = (mode: Mode) => measurements.filter((m) => m.route === route && m.mode === mode);
      const byMode = Object.fromEntries(
        modes.map((mode) => [
          mode,
          {
            requestsPerSecond: median(pick(mode).map((m) => m.requestsPerSecond)),
            latencyP50Ms: median(pick(mode).map((m) => m.latencyP50Ms)),
            latencyP99Ms: median(pick(mode).map((m) => m.latencyP99Ms)),
            serverCpuMicrosPerRequest: median(pick(mode).map((m) => m.serverCpuMicrosPerRequest)),
          },
        ]),
      ) as RouteSummary['byMode'];
      const httpRoute = routeSpecs[route].httpRoute;
      const sameRoute = config.routes.filter((r) => routeSpecs[r].httpRoute === httpRoute);
      return {
        route,
        byMode,
        onOffRatio: onOffRatio(byMode['telemetry-on'].requestsPerSecond, byMode['telemetry-off'].requestsPerSecond),
        pairedOnOff: pairedRatios(pick('telemetry-on'), pick('telemetry-off')),
        cpuPerRequestOnOff: onOffRatio(byMode['telemetry-on'].serverCpuMicrosPerRequest, byMode['telemetry-off'].serverCpuMicrosPerRequest),
        offBareRatio: onOffRatio(byMode['telemetry-off'].requestsPerSecond, byMode['bare-node-http'].requestsPerSecond),
        // GET and POST /api/items share http.route: their SERVER spans are reported together. The mix's
        // requests land on every route (and add to theirs).
        ...(httpRoute === undefined
          ? {}
          : {
              serverSpans: {
                received: receiver.serverSpansByRoute.get(httpRoute) ?? 0,
                requests: sameRoute.reduce((sum, r) => sum + (sentToOn[r] ?? 0), 0),
              },
            }),
      };
    });

    return {
      startedAt,
      machine: {
        cpuModel: cpus()[0]?.model ?? 'unknown',
        cpus: cpus().length,
        memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
        kernel: release(),
        node: process.version,
      },
      config,
      serviceEnvironment: env,
      measurements,
      summary,
      spansPerRequest,
      spans,
      peakRssMiB: peak,
    };
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch((error: unknown) => log(`cleanup: ${String(error)}`));
  }
}
