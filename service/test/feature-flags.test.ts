import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { featureFlagAttributes as attr, featureFlagEvaluationEvent } from '../src/faults/feature-flag-conventions';
import { faultFlags } from '../src/faults/flags';
import { serviceMetrics } from '../src/telemetry/metric-names';
import { flagSet, writeFlagFile } from './support/flag-file';
import { FlagSyncServer } from './support/flag-sync-server';
import { OtlpReceiver, type ReceivedSpan } from './support/otlp-receiver';
import { freePort, startPostgres, startRedis, type TestServer } from './support/servers';
import { jsonRequest, newTraceparent, runMigrationsProcess, startService, type RunningService } from './support/service-process';

const SERVER = 2;
const CLIENT = 3;
const ERROR = 2;

let postgres: TestServer;
let redis: TestServer;
let receiver: OtlpReceiver;
let flagDir: string;
let flagFile: string;
let service: RunningService;
let itemId: number;

/** The provider polls the flag file (fs.watchFile, every ~5 s): a change shows within that and a request. */
const flagChangeTimeoutMs = 15_000;

async function eventually<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = flagChangeTimeoutMs): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = await check();
    if (result) return result;
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function timed(pathname: string, init?: RequestInit) {
  const started = performance.now();
  const response = await service.fetch(pathname, init);
  const body = await response.text();
  return { status: response.status, body, ms: performance.now() - started };
}

async function traced(pathname: string, init: RequestInit = {}) {
  const { traceparent, traceId } = newTraceparent();
  const response = await service.fetch(pathname, { ...init, headers: { ...(init.headers as Record<string, string>), traceparent } });
  await response.arrayBuffer();
  return { status: response.status, traceId };
}

const serverSpanOf = (traceId: string) => receiver.waitFor(`the SERVER span of ${traceId}`, () => receiver.trace(traceId).find((s) => s.kind === SERVER));

function evaluation(span: ReceivedSpan, key: string) {
  return span.events.find((e) => e.name === featureFlagEvaluationEvent && e.attributes[attr.key] === key)?.attributes;
}

/**
 * The service's event-loop utilisation over its last metric export (about a second), from the runtime
 * instrumentation. Busy time is wall-clock time, so the reading holds on a loaded machine, where the
 * process's CPU share would not.
 */
function latestEventLoopUtilization(): number | undefined {
  const metric = receiver.metrics.filter((m) => m.name === 'nodejs.eventloop.utilization').at(-1);
  return metric?.dataPoints[0]?.value;
}

async function eventLoopUtilizationAfterNextExport(): Promise<number> {
  const seen = receiver.metrics.length;
  await receiver.waitFor('a new metric export', () => receiver.metrics.length > seen && receiver.metrics.slice(seen).some((m) => m.name === 'nodejs.eventloop.utilization'));
  return latestEventLoopUtilization()!;
}

before(async () => {
  [postgres, redis] = await Promise.all([startPostgres(), startRedis()]);
  const migration = await runMigrationsProcess(postgres.url);
  assert.equal(migration.code, 0, migration.output);
  receiver = await new OtlpReceiver().start();
  flagDir = mkdtempSync(path.join(tmpdir(), 'lab-flags-'));
  flagFile = path.join(flagDir, 'flags.json');
  writeFlagFile(flagFile, {
    errorRate: { value: 1, routes: ['/api/orders/:id'] },
    addedLatencyMs: { value: 400, routes: ['/api/items'] },
  });
  service = await startService({
    databaseUrl: postgres.url,
    redisUrl: redis.url,
    otlpEndpoint: receiver.endpoint,
    extra: { OTEL_TRACES_SAMPLER: 'parentbased_always_on', FLAGD_OFFLINE_FLAG_SOURCE_PATH: flagFile },
  });
  const created = await service.fetch('/api/items', jsonRequest('POST', { name: 'flagged', priceCents: 5, stock: 1_000 }));
  itemId = ((await created.json()) as { id: number }).id;
});

after(async () => {
  await service?.stop();
  await receiver?.stop();
  await Promise.all([postgres?.dispose(), redis?.dispose()]);
  if (flagDir) rmSync(flagDir, { recursive: true, force: true });
});

describe('route-scoped fault flags, evaluated by flagd-core from a flag file', () => {
  it('injects 500 injected_fault on the targeted route only, traced and logged like any 500', async () => {
    const faulted = await timed('/api/orders/999999');
    assert.equal(faulted.status, 500);
    assert.equal((JSON.parse(faulted.body) as { error: { code: string } }).error.code, 'injected_fault');
    // The other routes answer as they would without the flag.
    assert.equal((await timed(`/api/items/${itemId}`)).status, 200);
    assert.equal((await timed('/api/orders', jsonRequest('POST', { itemId, quantity: 1 }, { 'idempotency-key': 'flag-untargeted' }))).status, 201);
    assert.equal((await timed('/no/such/route')).status, 404, 'a request no route matches is never faulted');

    const { traceId, status } = await traced('/api/orders/999999');
    assert.equal(status, 500);
    const server = await serverSpanOf(traceId);
    assert.equal(server.status.code, ERROR);
    assert.equal(server.attributes['error.type'], 'InjectedFault');
    assert.equal(server.attributes['http.route'], '/api/orders/:id');
    const event = evaluation(server, faultFlags.errorRate.key);
    assert.ok(event, 'the error-rate evaluation is an event on the SERVER span');
    assert.equal(event[attr.resultVariant], 'on');
    assert.equal(event[attr.resultReason], 'targeting_match');
    assert.equal(event[attr.providerName], 'flagd');
    assert.equal(event[attr.resultValue], 1);
    assert.equal(evaluation(server, faultFlags.addedLatencyMs.key)?.[attr.resultVariant], 'off');
    assert.ok(
      service.logLines.some((line) => line.level === 'error' && String(line.msg).startsWith('injected fault')),
      'the injected 500 is logged at error',
    );

    const untargeted = await traced(`/api/items/${itemId}`);
    const untargetedSpan = await serverSpanOf(untargeted.traceId);
    assert.equal(evaluation(untargetedSpan, faultFlags.errorRate.key)?.[attr.resultVariant], 'off');
    assert.notEqual(untargetedSpan.status.code, ERROR);
  });

  it('adds latency before the handler of the targeted route only', async () => {
    const slowed = await timed('/api/items?limit=1');
    assert.equal(slowed.status, 200);
    assert.ok(slowed.ms >= 400, `the targeted list took ${slowed.ms} ms`);
    const other = await timed(`/api/items/${itemId}`);
    assert.ok(other.ms < 300, `an untargeted read took ${other.ms} ms`);
  });

  it('counts evaluations by flag and variant', async () => {
    const counted = await receiver.waitFor('evaluations of http-error-rate counted as on', () => {
      const metric = receiver.metrics.find((m) => m.name === serviceMetrics.featureFlagEvaluations.name);
      const point = receiver.metrics
        .filter((m) => m.name === serviceMetrics.featureFlagEvaluations.name)
        .flatMap((m) => m.dataPoints)
        .find((p) => p.attributes[attr.key] === faultFlags.errorRate.key && p.attributes[attr.resultVariant] === 'on' && (p.value ?? 0) >= 2);
      return metric && point ? { metric, point } : undefined;
    });
    assert.equal(counted.metric.unit, serviceMetrics.featureFlagEvaluations.unit);
    assert.equal(counted.metric.type, 'sum');
    assert.equal(counted.metric.monotonic, true);
    assert.equal(counted.point.attributes[attr.resultReason], 'targeting_match');
  });
});

describe('a flag change reaches the running service', () => {
  it('turns the error fault off and bypasses the cache with slow queries, without a restart', async () => {
    writeFlagFile(flagFile, { cacheBypass: { value: true }, slowQueryMs: { value: 300 } });
    await eventually('the error fault is off', async () => (await timed('/api/orders/999999')).status === 404);
    const pid = service.process.pid;

    const read = await timed(`/api/items/${itemId}`);
    assert.equal(read.status, 200);
    assert.ok(read.ms >= 300, `a read with db-slow-query-ms 300 took ${read.ms} ms`);

    const { traceId } = await traced(`/api/items/${itemId}`);
    const spans = await receiver.waitFor('the bypassed read with its SQL spans', () => {
      const trace = receiver.trace(traceId);
      return trace.filter((s) => s.kind === CLIENT && s.attributes['db.system.name'] === 'postgresql').length >= 2 && trace.some((s) => s.kind === SERVER) ? trace : undefined;
    });
    const server = spans.find((s) => s.kind === SERVER)!;
    assert.equal(evaluation(server, faultFlags.cacheBypass.key)?.[attr.resultValue], true);
    assert.equal(evaluation(server, faultFlags.slowQueryMs.key)?.[attr.resultValue], 300);
    const redisCommands = spans.filter((s) => s.attributes['db.system'] === 'redis' || s.attributes['db.system.name'] === 'redis');
    assert.deepEqual(redisCommands.map((s) => s.name), [], 'a bypassed read neither reads nor fills Redis');
    const sql = spans.filter((s) => s.kind === CLIENT && s.attributes['db.system.name'] === 'postgresql');
    assert.ok(sql.some((s) => /pg_sleep/.test(String(s.attributes['db.query.text']))), 'the slow query runs on Postgres, as a CLIENT span');
    assert.ok(sql.some((s) => s.attributes['db.collection.name'] === 'items'), 'the read itself went to Postgres');
    assert.equal(service.process.pid, pid, 'same process: no restart');
  });

  it('burns the asked share of the event loop in the background and stops when the flag goes to 0', async () => {
    writeFlagFile(flagFile, { cpuHogPercent: { value: 60 } });
    await eventually('the hog burns about 60% of the event loop', async () => (await eventLoopUtilizationAfterNextExport()) >= 0.5);
    assert.equal((await timed(`/api/items/${itemId}`)).status, 200, 'requests are still served');
    writeFlagFile(flagFile, {});
    await eventually('the hog stopped', async () => (await eventLoopUtilizationAfterNextExport()) < 0.2);
    assert.ok(service.logLines.some((line) => line.msg === 'cpu hog stopped'));
  });

  it('leaks memory at the flag rate up to its cap, and releases it when the rate goes to 0', async () => {
    const capMb = 64;
    const leakLog = (msg: string) => service.logLines.find((line) => line.msg === msg);
    const before = await largeObjectSpaceUsedMb();
    writeFlagFile(flagFile, { memoryLeakMbPerMinute: { value: 1_024 }, memoryLeakCapMb: { value: capMb } });
    const atCap = await eventually('the leak reaches its cap', async () => leakLog('memory leak reached its cap'));
    assert.ok(Number(atCap.retainedMb) <= capMb && Number(atCap.retainedMb) >= capMb - 1, `retained ${atCap.retainedMb} MiB at the cap`);
    // Real heap, not just the account: the retained chunks are live, so no collection can take them back.
    const seen = receiver.metrics.length;
    await receiver.waitFor('a heap export after the cap', () => receiver.metrics.slice(seen).some((m) => m.name === 'v8js.memory.heap.used'));
    const held = await largeObjectSpaceUsedMb();
    assert.ok(held >= before + capMb / 2, `large-object space ${held.toFixed(0)} MiB with the leak at its cap, ${before.toFixed(0)} MiB before`);
    writeFlagFile(flagFile, {});
    const released = await eventually('the leak is released', async () => leakLog('memory leak off: retained memory released'));
    // When V8 collects the dropped chunks is its own affair; memory-leak tests in feature-flags-parts check none is kept.
    assert.equal(released.retainedMb, 0);
  });
});

/** V8 heap in use, MiB, summed over the heap spaces of the latest export. */
/**
 * V8's large-object space in use, from the latest export: where the leak's 512 KiB chunks live. The whole
 * heap would not do: the garbage earlier tests left behind can be collected while the leak grows, so the
 * total may rise by much less than what the leak holds (seen: 93 MiB before, 97 MiB at a 64 MiB cap).
 */
async function largeObjectSpaceUsedMb(): Promise<number> {
  const latest = () => receiver.metrics.filter((m) => m.name === 'v8js.memory.heap.used').at(-1);
  const metric = await receiver.waitFor('a heap-used export', () => latest());
  const largeObjects = metric.dataPoints.filter((point) => point.attributes['v8js.heap.space.name'] === 'large_object_space');
  assert.equal(largeObjects.length, 1, 'the export has the large-object space');
  return (largeObjects[0]!.value ?? 0) / (1024 * 1024);
}

describe('flagd unreachable', () => {
  it('starts at once and serves every route with its flags at their defaults: no fault, no 5xx', async () => {
    const closedPort = await freePort();
    // flagd never answers: a start-up that waited for it would never become live, and startService fails.
    const isolated = await startService({
      databaseUrl: postgres.url,
      redisUrl: redis.url,
      otlpEndpoint: receiver.endpoint,
      extra: { OTEL_TRACES_SAMPLER: 'parentbased_always_on', FLAGD_HOST: '127.0.0.1', FLAGD_PORT: String(closedPort) },
    });
    try {
      const requests: Array<[string, RequestInit?]> = [
        ['/api/items', jsonRequest('POST', { name: 'no-flagd', priceCents: 1, stock: 5 })],
        [`/api/items/${itemId}`],
        ['/api/items?limit=2'],
        ['/api/orders', jsonRequest('POST', { itemId, quantity: 1 }, { 'idempotency-key': 'no-flagd' })],
        ['/simulate/latency?ms=0'],
      ];
      // Twice: the first pass opens the pools. The second must not wait on flagd (a provider that waited
      // would take its 500 ms connection deadline).
      for (const pass of [1, 2]) {
        for (const [pathname, init] of requests) {
          const t0 = performance.now();
          const response = await isolated.fetch(pathname, init);
          await response.arrayBuffer();
          assert.ok(response.status < 500, `${pathname} answered ${response.status}`);
          if (pass === 2) assert.ok(performance.now() - t0 < 400, `${pathname} took ${performance.now() - t0} ms`);
        }
      }
      assert.equal((await isolated.fetch('/health/ready')).status, 200, 'readiness does not depend on flagd');

      const { traceparent, traceId } = newTraceparent();
      await (await isolated.fetch(`/api/items/${itemId}`, { headers: { traceparent } })).arrayBuffer();
      const server = await serverSpanOf(traceId);
      const event = evaluation(server, faultFlags.errorRate.key);
      assert.ok(event, 'the failed evaluation is still on the span');
      assert.equal(event[attr.resultReason], 'error');
      assert.ok(typeof event[attr.errorType] === 'string' && event[attr.errorType] !== '', 'error.type says why');

      // The provider retries about twice a second; its log lines do not repeat that often.
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      const providerLines = isolated.logLines.filter((line) => line.component === 'openfeature');
      assert.ok(providerLines.length <= 4, `${providerLines.length} provider log lines in ~3 s: ${JSON.stringify(providerLines)}`);
      assert.equal(isolated.process.exitCode, null);
    } finally {
      await isolated.stop();
    }
  });
});

describe('in-process sync from flagd over gRPC (FLAGD_HOST, FLAGD_PORT)', () => {
  it('applies pushed flags without a restart, keeps the last flags while flagd is gone, and resyncs when it is back', async () => {
    const errorsOn = flagSet({ errorRate: { value: 1, routes: ['/api/orders/:id'] } });
    const allOff = flagSet();
    const flagd = new FlagSyncServer(errorsOn);
    const port = await flagd.start();
    const synced = await startService({
      databaseUrl: postgres.url,
      redisUrl: redis.url,
      extra: { FLAGD_HOST: '127.0.0.1', FLAGD_PORT: String(port) },
    });
    const orderStatus = async () => (await synced.fetch('/api/orders/999999')).status;
    try {
      await eventually('the synced error fault answers 500', async () => (await orderStatus()) === 500);
      flagd.publish(allOff);
      await eventually('the pushed change turned it off', async () => (await orderStatus()) === 404);
      flagd.publish(errorsOn);
      await eventually('and on again', async () => (await orderStatus()) === 500);

      flagd.stop();
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      assert.equal(await orderStatus(), 500, 'with flagd gone the last synced flags still apply');
      assert.equal((await synced.fetch(`/api/items/${itemId}`)).status, 200, 'untargeted routes are untouched');
      assert.equal((await synced.fetch('/health/ready')).status, 200);

      const back = new FlagSyncServer(allOff);
      await back.start(port);
      try {
        await eventually('the provider reconnected and resynced', async () => (await orderStatus()) === 404, 20_000);
      } finally {
        back.stop();
      }
      assert.equal(synced.process.exitCode, null);
      assert.ok(synced.logLines.some((line) => line.msg === 'flag provider lost its source: keeping the last flags while it reconnects'));
    } finally {
      flagd.stop();
      await synced.stop();
    }
  });
});
