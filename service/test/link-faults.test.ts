import assert from 'node:assert/strict';
import { after, before, describe, it, type TestContext } from 'node:test';
import Redis from 'ioredis';
import postgresClient from 'postgres';
import { toxiproxyApi, type ToxiproxyToxic } from '../src/fault-controller/toxiproxy-api';
import { ledgerProblems, settleOrders, startOrderLoad, type OrderAttempt } from './support/order-ledger';
import { startPostgres, startRedis, type TestServer } from './support/servers';
import { jsonRequest, runMigrationsProcess, startService, type RunningService } from './support/service-process';
import { hostPort, loopbackProxies, startToxiproxy, type RunningToxiproxy } from './support/toxiproxy';

/**
 * The service against real Postgres and Redis through the real Toxiproxy (v2.12.0, started from a -config
 * file as in the lab): what a declared fault does to it.
 */
let postgres: TestServer;
let redis: TestServer;
let toxiproxy: RunningToxiproxy;
let service: RunningService;

before(async () => {
  [postgres, redis] = await Promise.all([startPostgres(), startRedis()]);
  const migration = await runMigrationsProcess(postgres.url);
  if (migration.code !== 0) throw new Error(`migrations failed: ${migration.output}`);
  toxiproxy = await startToxiproxy(await loopbackProxies({ postgres: hostPort(postgres.url), redis: hostPort(redis.url) }));
  service = await startService({ databaseUrl: toxiproxy.urlFor('postgres', postgres.url), redisUrl: toxiproxy.urlFor('redis', redis.url) });
});

after(async () => {
  await service?.stop();
  await toxiproxy?.close();
  await Promise.all([postgres?.dispose(), redis?.dispose()]);
});

const api = () => toxiproxyApi(toxiproxy.url);
type Link = 'postgres' | 'redis';
/** The link's toxics become exactly these. */
async function setToxics(link: Link, toxics: readonly ToxiproxyToxic[]) {
  for (const { name } of (await api().proxies())[link]!.toxics) await api().removeToxic(link, name);
  for (const added of toxics) await api().addToxic(link, added);
}
const setEnabled = (link: Link, enabled: boolean) => api().setEnabled(link, enabled);
/** Every toxic removed, the proxy enabled. */
async function clear(link: Link) {
  await setToxics(link, []);
  await setEnabled(link, true);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const toxic = (type: string, attributes: Record<string, number>, stream = 'downstream'): ToxiproxyToxic => ({ name: `${type}_${stream}`, type, stream, toxicity: 1, attributes });

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

async function createItem(name: string, stock = 1_000_000): Promise<{ id: number; name: string; stock: number }> {
  const response = await service.fetch('/api/items', jsonRequest('POST', { name, priceCents: 100, stock }));
  assert.equal(response.status, 201, await response.clone().text());
  return (await response.json()) as { id: number; name: string; stock: number };
}

/** Timed GETs of one path from a few clients, until stopped. */
function startReads(paths: readonly string[], clients: number) {
  let running = true;
  const answers: Array<{ status: number | 'network'; ms: number; startedAt: number; body?: unknown }> = [];
  const loops = Array.from({ length: clients }, async (_, client) => {
    for (let n = 0; running; n++) {
      const startedAt = performance.now();
      try {
        const response = await service.fetch(paths[(client + n) % paths.length]!);
        answers.push({ status: response.status, body: await response.json(), ms: performance.now() - startedAt, startedAt });
      } catch {
        answers.push({ status: 'network', ms: performance.now() - startedAt, startedAt });
      }
    }
  });
  return {
    async stop() {
      running = false;
      await Promise.all(loops);
      return answers;
    },
  };
}

/** Whether Redis holds the item's cache entry (the key item-cache.ts uses), read past the fault. */
async function cached(id: number): Promise<boolean> {
  const direct = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 0 });
  try {
    await direct.connect();
    return (await direct.exists(`item:${id}`)) === 1;
  } finally {
    direct.disconnect();
  }
}

/** Reads the item until the service has put it in the cache (it reconnects to Redis on its own); ms taken. */
async function readUntilCached(id: number, timeoutMs: number): Promise<number> {
  const started = performance.now();
  while (!(await cached(id))) {
    if (performance.now() - started > timeoutMs) throw new Error(`item ${id} not cached within ${timeoutMs} ms`);
    assert.equal((await service.fetch(`/api/items/${id}`)).status, 200);
    await sleep(50);
  }
  return performance.now() - started;
}

/** Writes a row straight into Postgres, behind the cache's back: a read that shows it did not come from Redis. */
async function renameBehindTheCache(id: number, name: string) {
  const direct = postgresClient(postgres.url, { max: 1, onnotice: () => undefined });
  await direct`update items set name = ${name} where id = ${id}`;
  await direct.end();
}

describe('Redis faults', () => {
  for (const [fault, apply] of [
    ['latency of 2 s, beyond the command timeout', () => setToxics('redis', [toxic('latency', { latency: 2_000, jitter: 0 })])],
    ['the proxy down', () => setEnabled('redis', false)],
    ['a timeout (data stops, connections stay open)', () => setToxics('redis', [toxic('timeout', { timeout: 0 })])],
    ['reset_peer', () => setToxics('redis', [toxic('reset_peer', { timeout: 0 })])],
  ] as const) {
    it(`${fault}: no 5xx, reads come from Postgres, writes succeed`, async (t) => {
      const item = await createItem(`redis-fault-${Date.now()}`);
      const path = `/api/items/${item.id}`;
      await readUntilCached(item.id, 5_000);
      await renameBehindTheCache(item.id, `${item.name}-in-postgres`);
      assert.equal(((await (await service.fetch(path)).json()) as { name: string }).name, item.name, 'before the fault the cached row is served');

      const reads = startReads([path, '/api/items?limit=5'], 6);
      let answers;
      try {
        await sleep(100);
        await apply();
        await sleep(1_500);
        const write = await service.fetch(path, jsonRequest('PATCH', { stock: 5 }));
        assert.equal(write.status, 200, 'a write succeeds; its cache invalidation fails and is only logged');
        await sleep(500);
      } finally {
        answers = await reads.stop();
        await clear('redis');
      }
      // Back to the cache on its own once the fault is gone: ioredis reconnects within its 2 s retry cap, and the
      // write's guard (item-cache.ts writeGuardMs, 5 s) keeps fills off until it expires when its MULTI got
      // through (a downstream fault lets commands reach Redis).
      const backMs = await readUntilCached(item.id, 8_000);
      t.diagnostic(`${fault}: the cache was filled again ${backMs.toFixed(0)} ms after the fault was removed`);
      const statuses = new Set(answers.map((answer) => answer.status));
      assert.deepEqual([...statuses], [200], `every read answered 200: ${[...statuses].join(', ')}`);
      const itemReads = answers.filter((answer) => (answer.body as { id?: number }).id === item.id);
      const last = itemReads[itemReads.length - 1]!.body as { name: string; stock: number };
      assert.equal(last.name, `${item.name}-in-postgres`, 'under the fault the item is read from Postgres');
      assert.equal(last.stock, 5);
      const p99 = percentile(answers.map((answer) => answer.ms), 99);
      t.diagnostic(`${fault}: ${answers.length} reads, p50 ${percentile(answers.map((a) => a.ms), 50).toFixed(0)} ms, p99 ${p99.toFixed(0)} ms`);
      // The command timeout (250 ms) bounds what a slow or silent Redis costs, a dead one costs nothing: p99 was
      // 0.2 to 1.2 s here with other suites loading the 2 cores; a read waiting out the fault would take 2 s or forever.
      assert.ok(p99 < 1_500, `p99 ${p99.toFixed(0)} ms`);
    });
  }
});

describe('Postgres latency', () => {
  it('makes answers slower by about the latency, all of them correct', async (t) => {
    const item = await createItem(`pg-latency-${Date.now()}`, 100);
    const before = performance.now();
    await service.fetch('/api/items?limit=5');
    const baseline = performance.now() - before;
    await setToxics('postgres', [toxic('latency', { latency: 200, jitter: 0 })]);
    try {
      const timings: number[] = [];
      for (let i = 0; i < 5; i++) {
        const started = performance.now();
        const order = await service.fetch('/api/orders', jsonRequest('POST', { itemId: item.id, quantity: 1 }, { 'idempotency-key': `pg-latency-${item.id}-${i}` }));
        timings.push(performance.now() - started);
        assert.equal(order.status, 201, await order.clone().text());
      }
      const started = performance.now();
      const list = await service.fetch('/api/items?limit=100');
      const listMs = performance.now() - started;
      assert.equal(list.status, 200);
      t.diagnostic(`baseline list ${baseline.toFixed(0)} ms; with 200 ms latency: list ${listMs.toFixed(0)} ms, orders ${timings.map((ms) => ms.toFixed(0)).join(', ')} ms`);
      assert.ok(listMs >= 200, `one statement waits out the latency once: ${listMs.toFixed(0)} ms`);
      assert.ok(timings.every((ms) => ms >= 200), 'every order waits for Postgres');
    } finally {
      await clear('postgres');
    }
    const stock = ((await (await service.fetch(`/api/items/${item.id}`)).json()) as { stock: number }).stock;
    assert.equal(stock, 95, 'five orders, five units: correct, only slower');
  });
});

describe('Postgres outages under contending orders', () => {
  for (const [fault, apply] of [
    ['reset_peer', () => setToxics('postgres', [toxic('reset_peer', { timeout: 0 })])],
    ['the proxy down', () => setEnabled('postgres', false)],
    ['a timeout (data stops, connections stay open)', () => setToxics('postgres', [toxic('timeout', { timeout: 0 })])],
  ] as const) {
    it(`${fault}: a bounded, clear 503 with Retry-After, recovery within about a second, no acknowledged order lost`, async (t) => outage(t, fault, apply));
  }
});

/**
 * How long after the fault the service answers every order with a fast 503. The slowest path is a black-holed
 * connection: a statement unanswered for 2 s starts a probe, whose 1 s timeout opens the breaker, which then
 * abandons what still waits (db/availability.ts stallMs, db/client.ts probeTimeoutMs); plus slack for a busy host.
 */
const breakerBoundMs = 3_500;

async function outage(t: TestContext, fault: string, apply: () => unknown) {
  const initialStock = new Map<number, number>();
  for (let i = 0; i < 3; i++) {
    const item = await createItem(`pg-${fault}-${i}-${Date.now()}`);
    initialStock.set(item.id, item.stock);
  }
  const retryAfter = new Map<string, string | null>();
  const load = startOrderLoad(service, [...initialStock.keys()], 12);
  let faultAt = 0;
  // The fault may be gone before the call removing it returns (Toxiproxy removes, then answers): an order sent
  // after the removal began is not one sent during the fault.
  let removingAt = 0;
  let removedAt = 0;
  try {
    await sleep(400);
    await apply();
    faultAt = performance.now();
    await sleep(breakerBoundMs + 1_500);
    // A plain GET while down: a database read is a 503 too, with its Retry-After.
    const list = await service.fetch('/api/items?limit=1', { signal: AbortSignal.timeout(breakerBoundMs + 1_000) });
    assert.equal(list.status, 503, `a read while Postgres is unreachable: ${list.status}`);
    retryAfter.set('list', list.headers.get('retry-after'));
    removingAt = performance.now();
    await clear('postgres');
    removedAt = performance.now();
    await sleep(1_500);
  } finally {
    // Fault off first: an order stuck on a silent connection would otherwise hold load.stop() forever.
    await clear('postgres');
    await load.stop();
  }
  assert.equal(service.process.exitCode, null, `the service died: ${service.stderr.join('')}`);
  assert.equal(retryAfter.get('list'), '1');
  const attempts = load.attempts;
  for (const status of new Set(attempts.map((attempt) => attempt.status))) assert.ok([201, 409, 503].includes(status as number), `unexpected answer ${status}`);

  const during = attempts.filter((attempt) => attempt.startedAt >= faultAt && attempt.startedAt < removingAt);
  const duringMs = during.map((attempt) => attempt.endedAt - attempt.startedAt);
  const slowest = Math.max(...duringMs);
  const settledAfterFault = during.filter((attempt) => attempt.startedAt >= faultAt + breakerBoundMs);
  t.diagnostic(`${fault}: ${during.length} orders during the fault, p50 ${percentile(duringMs, 50).toFixed(0)} ms, p99 ${percentile(duringMs, 99).toFixed(0)} ms, slowest ${slowest.toFixed(0)} ms`);
  assert.ok(settledAfterFault.length > 20, `only ${settledAfterFault.length} orders answered once the breaker settled`);
  for (const attempt of settledAfterFault) {
    assert.equal(attempt.status, 503, `an order while Postgres was unreachable: ${attempt.status}, sent ${(attempt.startedAt - faultAt).toFixed(0)} ms after the fault, answered ${(attempt.endedAt - faultAt).toFixed(0)} ms after`);
  }
  assert.ok(slowest < breakerBoundMs + 1_000, `an order took ${slowest.toFixed(0)} ms during the fault`);
  const inFlightAtFault = attempts.filter((attempt) => attempt.startedAt < faultAt && attempt.endedAt > faultAt);
  for (const attempt of inFlightAtFault) assert.ok(attempt.endedAt - faultAt < breakerBoundMs + 1_000, `an order in flight when the fault began ended ${(attempt.endedAt - faultAt).toFixed(0)} ms later`);

  const firstAfter = attempts.filter((attempt) => attempt.status === 201 && attempt.startedAt >= removedAt).sort((a, b) => a.endedAt - b.endedAt)[0];
  assert.ok(firstAfter, 'no order succeeded after the fault was removed');
  const recoveryMs = firstAfter.endedAt - removedAt;
  t.diagnostic(`${fault}: first order acknowledged ${recoveryMs.toFixed(0)} ms after the fault was removed`);
  // About a second: the breaker probes every 200 ms and pooled connections reconnect within 0.5 s (db/client.ts);
  // measured 0.8 to 1.3 s (1.9 s after the black hole) on this 2-core machine with other test suites running
  // (load average 13), hence 2.5 s; the driver's own backoff (seconds, up to 20 s) would not pass.
  assert.ok(recoveryMs < 2_500, `first order acknowledged ${recoveryMs.toFixed(0)} ms after the fault was removed`);

  const finals = await settleOrders(service, attempts);
  t.diagnostic(`${fault}: ${attempts.length} orders sent, ${[...finals.values()].filter((answer: OrderAttempt) => answer.status === 201).length} acknowledged`);
  assert.deepEqual(await ledgerProblems(postgres.url, initialStock, finals), []);
}
