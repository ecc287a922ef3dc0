import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TestServer } from './support/servers';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import postgresClient from 'postgres';
import { jsonRequest, runMigrationsProcess, serviceRoot, startService, type RunningService } from './support/service-process';
import { startServiceStack, type ServiceStack } from './support/stack';

let stack: ServiceStack;
let postgres: TestServer;
let redis: TestServer;
let service: RunningService;

before(async () => {
  stack = await startServiceStack();
  ({ postgres, redis, service } = stack);
});

after(() => stack?.dispose());

async function eventually(what: string, check: () => Promise<boolean>, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('Redis outage', () => {
  it('serves item reads from Postgres with no 5xx and stays ready, reporting the cache degraded', async (t) => {
    if (!redis.controllable) return t.skip('Redis given by TEST_REDIS_URL cannot be stopped');
    const item = (await (await service.fetch('/api/items', jsonRequest('POST', { name: 'resilient', priceCents: 1, stock: 2 }))).json()) as { id: number };
    await redis.stop();
    try {
      for (let i = 0; i < 5; i++) {
        const started = performance.now();
        const read = await service.fetch(`/api/items/${item.id}`);
        assert.equal(read.status, 200);
        assert.ok(performance.now() - started < 1_500, 'a cache outage must not hold requests');
      }
      const write = await service.fetch(`/api/items/${item.id}`, jsonRequest('PATCH', { stock: 9 }));
      assert.equal(write.status, 200);
      const ready = await service.fetch('/health/ready');
      assert.equal(ready.status, 200);
      assert.deepEqual(await ready.json(), { status: 'degraded', checks: { database: 'ok', cache: 'degraded' } });
    } finally {
      await redis.start();
    }
    await eventually('readiness reports the cache ok again', async () => {
      const body = (await (await service.fetch('/health/ready')).json()) as { status: string };
      return body.status === 'ok';
    });
  });
});

describe('Postgres outage', () => {
  it('answers 503 with a clear body while Postgres is down and recovers without a restart', async (t) => {
    if (!postgres.controllable) return t.skip('Postgres given by TEST_DATABASE_URL cannot be stopped');
    await postgres.stop();
    try {
      const list = await service.fetch('/api/items?limit=1');
      assert.equal(list.status, 503);
      assert.deepEqual(((await list.json()) as { error: { code: string } }).error.code, 'database_unavailable');
      const create = await service.fetch('/api/items', jsonRequest('POST', { name: 'lost?', priceCents: 1, stock: 1 }));
      assert.equal(create.status, 503);
      // Every replica shares this outage: readiness keeps the replica behind the load balancer, which then
      // gets the replica's own fast 503s instead of pulling every replica and answering 503 itself.
      const ready = await service.fetch('/health/ready');
      assert.equal(ready.status, 200, 'readiness must not take every replica out for a shared outage');
      assert.deepEqual(await ready.json(), { status: 'degraded', checks: { database: 'unavailable', cache: 'ok' } });
      assert.equal((await service.fetch('/health/live')).status, 200, 'liveness must not fail for a dependency');
    } finally {
      await postgres.start();
    }
    await eventually('the API answers again', async () => (await service.fetch('/api/items?limit=1')).status === 200);
    assert.equal((await service.fetch('/health/ready')).status, 200);
    assert.equal(service.process.exitCode, null, 'the process must survive the outage');
  });
});

describe('readiness at start-up', () => {
  it('keeps a replica that has not reached Postgres yet out of the load balancer, and lets it in once it has', async (t) => {
    if (!postgres.controllable) return t.skip('Postgres given by TEST_DATABASE_URL cannot be stopped');
    await postgres.stop();
    let starting: RunningService | undefined;
    try {
      starting = await startService({ databaseUrl: postgres.url, redisUrl: redis.url });
      const ready = await starting.fetch('/health/ready');
      assert.equal(ready.status, 503);
      assert.equal(((await ready.json()) as { status: string }).status, 'starting');
      await postgres.start();
      await eventually('the new replica is ready', async () => (await starting!.fetch('/health/ready')).status === 200);
    } finally {
      if (postgres.controllable) await postgres.start().catch(() => undefined);
      await starting?.stop();
    }
  });
});

describe('unreachable collector', () => {
  it('never blocks or fails a request', async () => {
    // A port nothing listens on: every export fails.
    const deaf = await startService({ databaseUrl: postgres.url, redisUrl: redis.url, otlpEndpoint: 'http://127.0.0.1:9' });
    try {
      for (let i = 0; i < 20; i++) {
        const started = performance.now();
        const response = await deaf.fetch('/api/items?limit=5');
        assert.equal(response.status, 200);
        assert.ok(performance.now() - started < 1_000);
      }
    } finally {
      assert.equal(await deaf.stop(), 0);
    }
  });
});

describe('start-up and shutdown', () => {
  it('refuses to start with a missing or invalid variable and names it', async () => {
    await assert.rejects(
      startService({ databaseUrl: 'mysql://nope', redisUrl: redis.url, extra: { OTEL_EXPORTER_OTLP_PROTOCOL: 'carrier-pigeon' } }),
      (error: Error) => /DATABASE_URL/.test(error.message) && /OTEL_EXPORTER_OTLP_PROTOCOL/.test(error.message),
    );
  });

  it('finishes in-flight requests on SIGTERM and exits 0', async () => {
    const draining = await startService({ databaseUrl: postgres.url, redisUrl: redis.url });
    const inFlight = draining.fetch('/simulate/latency?ms=700');
    await new Promise((resolve) => setTimeout(resolve, 150));
    const exitCode = draining.stop('SIGTERM');
    const response = await inFlight;
    assert.equal(response.status, 200);
    assert.equal(await exitCode, 0);
    await assert.rejects(draining.fetch('/health/live'), 'the port must be closed after shutdown');
  });

  it('keeps serving while readiness fails for the drain delay, then exits 0', async () => {
    const draining = await startService({ databaseUrl: postgres.url, redisUrl: redis.url, extra: { SHUTDOWN_DRAIN_DELAY_MS: '800' } });
    const exitCode = draining.stop('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 200));
    const ready = await draining.fetch('/health/ready');
    assert.equal(ready.status, 503, 'readiness fails as soon as shutdown starts');
    assert.deepEqual(await ready.json(), { status: 'shutting_down' });
    assert.equal((await draining.fetch('/api/items?limit=1')).status, 200, 'requests still served while draining');
    assert.equal(await exitCode, 0);
  });

  it('applies migrations exactly once when several replicas run them at once on an empty database', async () => {
    const admin = postgresClient(postgres.url, { max: 1, onnotice: () => undefined });
    const database = `migration_race_${Date.now()}`;
    await admin.unsafe(`create database ${database}`);
    const url = new URL(postgres.url);
    url.pathname = `/${database}`;
    const fresh = postgresClient(url.toString(), { max: 1 });
    try {
      const runs = await Promise.all([1, 2, 3].map(() => runMigrationsProcess(url.toString())));
      for (const run of runs) assert.equal(run.code, 0, run.output);
      const journal = readdirSync(path.join(serviceRoot, 'drizzle')).filter((file) => file.endsWith('.sql'));
      const [applied] = await fresh`select count(*)::int as count from drizzle.__drizzle_migrations`;
      assert.equal(applied!.count, journal.length, 'each migration recorded once');
      const [tables] = await fresh`select to_regclass('public.orders') is not null as orders, to_regclass('public.items') is not null as items`;
      assert.deepEqual({ ...tables }, { orders: true, items: true });
    } finally {
      await fresh.end();
      await admin.end();
    }
  });

  it('stops the migration with a message naming an invalid DATABASE_URL', async () => {
    const run = await runMigrationsProcess('mysql://nope');
    assert.equal(run.code, 1);
    assert.match(run.output, /DATABASE_URL: must be a URL with scheme postgres/);
  });
});
