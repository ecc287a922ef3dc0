import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import postgresClient from 'postgres';
import { startCuttingProxy } from './support/cutting-proxy';
import { ledgerProblems, settleOrders, startOrderLoad, type OrderAttempt } from './support/order-ledger';
import type { TestServer } from './support/servers';
import { jsonRequest, startService, type RunningService } from './support/service-process';
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

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

async function createItems(count: number, stock: number): Promise<Map<number, number>> {
  const stocks = new Map<number, number>();
  for (let i = 0; i < count; i++) {
    const response = await service.fetch('/api/items', jsonRequest('POST', { name: `hot-${i}`, priceCents: 100, stock }));
    assert.equal(response.status, 201);
    stocks.set(((await response.json()) as { id: number }).id, stock);
  }
  return stocks;
}

describe('the postgres driver', () => {
  it('survives statements dying on the one pooled connection, and answers the next statement rightly (the four defects postgres.js 3.4.9 needed a patch for)', async () => {
    const script = path.join(__dirname, 'support', 'terminated-transaction.ts');
    const child = spawn(process.execPath, ['--import', 'tsx', script, postgres.url], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on('exit', (...exit) => resolve(exit)));
    assert.deepEqual([code, signal], [0, null], `the process died: ${stderr}`);
    const seen = JSON.parse(stdout) as Record<string, { rows?: unknown; error?: string; unavailable?: boolean }>;
    assert.equal(seen.transaction!.unavailable, true, `the transaction is rejected as a lost connection: ${JSON.stringify(seen.transaction)}`);
    assert.deepEqual(seen.queuedBehindIt, { rows: [{ one: 1 }] }, 'a statement never sent is not rejected with the dead one');
    assert.equal(seen.diedMidRows!.unavailable, true, JSON.stringify(seen.diedMidRows));
    assert.deepEqual(seen.afterDeath, { rows: [{ two: 2 }] }, 'no row of the dead statement shifts the next result');
    assert.equal(seen.failedMidRows!.error, '22012');
    assert.deepEqual(seen.afterFailure, { rows: [{ three: 3 }] }, 'no row of the failed statement shifts the next result');
  });
});

describe('Postgres restarted under contending orders', () => {
  it('keeps the process alive, answers only 201, 409 or a fast 503, recovers within a second, and loses no acknowledged order', async (t) => {
    if (!postgres.controllable) return t.skip('Postgres given by TEST_DATABASE_URL cannot be stopped');
    const initialStock = await createItems(3, 1_000_000);
    const load = startOrderLoad(service, [...initialStock.keys()], 16);
    // down: pg_ctl stop has returned; restarting: pg_ctl start is called; up: Postgres accepts connections.
    const outages: Array<{ mode: 'fast' | 'immediate'; down: number; restarting: number; up: number }> = [];
    try {
      await sleep(400);
      for (const mode of ['fast', 'immediate', 'fast'] as const) {
        await postgres.stop(mode);
        const down = performance.now();
        await sleep(1_200);
        const restarting = performance.now();
        await postgres.start();
        outages.push({ mode, down, restarting, up: performance.now() });
        await sleep(1_200);
      }
    } finally {
      await load.stop();
    }
    assert.equal(service.process.exitCode, null, `the service died: ${service.stderr.join('')}`);
    const attempts = load.attempts;
    const statuses = new Set(attempts.map((attempt) => attempt.status));
    for (const status of statuses) assert.ok([201, 409, 503].includes(status as number), `unexpected answer ${status}`);

    const whileDown = (attempt: OrderAttempt) => outages.some(({ down, restarting }) => attempt.startedAt >= down && attempt.startedAt < restarting);
    const downLatencies = attempts.filter(whileDown).map((attempt) => attempt.endedAt - attempt.startedAt);
    assert.ok(downLatencies.length > 50, `only ${downLatencies.length} requests while Postgres was down`);
    const p99 = percentile(downLatencies, 99);
    t.diagnostic(`while down: ${downLatencies.length} answers, p50 ${percentile(downLatencies, 50).toFixed(1)} ms, p99 ${p99.toFixed(1)} ms`);
    assert.ok(p99 < 1_000, `p99 while Postgres was down: ${p99.toFixed(0)} ms`);
    for (const attempt of attempts.filter(whileDown)) assert.equal(attempt.status, 503);

    for (const { mode, up } of outages) {
      const firstAfter = attempts.filter((attempt) => attempt.status === 201 && attempt.startedAt >= up).sort((a, b) => a.startedAt - b.startedAt)[0];
      assert.ok(firstAfter, `no order succeeded after the ${mode} restart`);
      const recoveryMs = firstAfter.endedAt - up;
      t.diagnostic(`${mode}: first order acknowledged ${recoveryMs.toFixed(0)} ms after Postgres accepted connections again`);
      // The goal is a second (50 to 990 ms measured on this 2-core machine, busy or not); the bound leaves room for a
      // loaded CI runner without letting the driver's old backoff (seconds, growing to 20 s) pass.
      assert.ok(recoveryMs < 1_500, `first order acknowledged ${recoveryMs.toFixed(0)} ms after Postgres (${mode}) came back`);
    }

    const finals = await settleOrders(service, attempts);
    const acknowledged = [...finals.values()].filter((answer) => answer.status === 201).length;
    t.diagnostic(`${attempts.length} orders sent, ${acknowledged} acknowledged after same-key retries`);
    assert.deepEqual(await ledgerProblems(postgres.url, initialStock, finals), []);
  });
});

describe('an order whose commit reply is lost', () => {
  it('is answered 503 order_outcome_unknown, and the replay with the same key returns the order that was committed', async () => {
    const proxy = await startCuttingProxy(postgres.url);
    const viaProxy = await startService({ databaseUrl: proxy.url, redisUrl: redis.url, extra: { DB_POOL_MAX: '1' } });
    try {
      const created = await viaProxy.fetch('/api/items', jsonRequest('POST', { name: 'lost-reply', priceCents: 250, stock: 10 }));
      const item = (await created.json()) as { id: number };
      const order = { itemId: item.id, quantity: 3 };
      const key = { 'idempotency-key': `lost-reply-${Date.now()}` };
      // The item's insert ran in no transaction: the first `commit` on the wire is the order's.
      const cut = proxy.cutAfter('commit');
      const first = await viaProxy.fetch('/api/orders', jsonRequest('POST', order, key));
      await cut;
      assert.equal(first.status, 503);
      assert.equal(first.headers.get('retry-after'), '1');
      const body = (await first.json()) as { error: { code: string; message: string } };

      assert.equal(body.error.code, 'order_outcome_unknown');
      assert.match(body.error.message, /same request with Idempotency-Key/);

      const replay = await viaProxy.fetch('/api/orders', jsonRequest('POST', order, key));
      assert.equal(replay.status, 201);
      assert.equal(replay.headers.get('idempotent-replayed'), 'true', 'the commit had happened: the replay reports it');
      const stock = ((await (await viaProxy.fetch(`/api/items/${item.id}`)).json()) as { stock: number }).stock;
      assert.equal(stock, 7, 'stock taken once');
    } finally {
      await viaProxy.stop();
      await proxy.close();
    }
  });
});

describe('a write whose reply is lost', () => {
  it('is answered outcome_unknown, never database_unavailable (which promises nothing was written)', async () => {
    const proxy = await startCuttingProxy(postgres.url);
    const viaProxy = await startService({ databaseUrl: proxy.url, redisUrl: redis.url, extra: { DB_POOL_MAX: '1' } });
    try {
      const name = `reply-lost-${Date.now()}`;
      const cut = proxy.cutAfter(name);
      const created = await viaProxy.fetch('/api/items', jsonRequest('POST', { name, priceCents: 1, stock: 1 }));
      await cut;
      assert.equal(created.status, 503);
      assert.equal(((await created.json()) as { error: { code: string } }).error.code, 'outcome_unknown');
      const direct = postgresClient(postgres.url, { max: 1, onnotice: () => undefined });
      const [stored] = await direct`select count(*)::int as count from items where name = ${name}`;
      await direct.end();
      assert.equal(stored!.count, 1, 'the insert did commit: only its reply was lost');
    } finally {
      await viaProxy.stop();
      await proxy.close();
    }
  });
});

describe('the heavy-task queue', () => {
  it('accepts no more than its limit under concurrent submissions and tells the rest when to retry', async () => {
    const limited = await startService({
      databaseUrl: postgres.url,
      redisUrl: redis.url,
      extra: { HEAVY_TASK_QUEUE_LIMIT: '10', HEAVY_TASK_CONCURRENCY: '1' },
    });
    try {
      // Long tasks, so none finishes (and frees a slot) while the 100 submissions are still being answered.
      const responses = await Promise.all(
        Array.from({ length: 100 }, () => limited.fetch('/simulate/heavy-task', jsonRequest('POST', { workMs: 8_000 }))),
      );
      const accepted = responses.filter((response) => response.status === 202);
      const refused = responses.filter((response) => response.status === 429);
      assert.equal(accepted.length, 10);
      assert.equal(refused.length, 90);
      for (const response of refused) {
        const retryAfter = Number(response.headers.get('retry-after'));
        assert.ok(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 8, `Retry-After ${response.headers.get('retry-after')}`);
      }
      const retryAfters = refused.map((response) => Number(response.headers.get('retry-after')));
      assert.ok(Math.max(...retryAfters) > 1, 'Retry-After follows the running task, not a constant');
    } finally {
      // Not a graceful stop: it would wait for the running task.
      await limited.stop('SIGKILL');
    }
  });
});

/**
 * A keep-alive client that sends GETs back to back on one socket until the server says `Connection: close`
 * (as a load balancer would stop using the replica) or stops answering.
 */
async function busyKeepAliveClient(baseUrl: string, agent: http.Agent) {
  const tally = { ok: 0, closeHeaders: 0, refused: 0, resets: 0 };
  for (;;) {
    const outcome = await new Promise<'ok' | 'close' | 'refused' | 'reset'>((resolve) => {
      const request = http.get(`${baseUrl}/simulate/latency?ms=20`, { agent }, (response) => {
        response.resume();
        response.on('end', () => resolve(response.headers.connection === 'close' ? 'close' : 'ok'));
      });
      request.on('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED' ? 'refused' : 'reset'));
    });
    if (outcome === 'refused') {
      tally.refused++;
      return tally;
    }
    if (outcome === 'close') {
      tally.closeHeaders++;
      return tally;
    }
    if (outcome === 'reset') tally.resets++;
    else tally.ok++;
  }
}

describe('SIGTERM with a collector that refuses the last batch', () => {
  it('still exits 0: a rejected telemetry flush does not fail the shutdown', async () => {
    const refusing = http.createServer((request, response) => {
      request.resume();
      response.writeHead(400, { 'content-type': 'application/json' }).end('{}');
    });
    await new Promise<void>((resolve) => refusing.listen(0, '127.0.0.1', resolve));
    const { port } = refusing.address() as { port: number };
    const flushing = await startService({
      databaseUrl: postgres.url,
      redisUrl: redis.url,
      otlpEndpoint: `http://127.0.0.1:${port}`,
      // Nothing exported before SIGTERM: the shutdown's flush is the first export, and it is refused.
      extra: { OTEL_BSP_SCHEDULE_DELAY: '60000', OTEL_BLRP_SCHEDULE_DELAY: '60000', OTEL_METRIC_EXPORT_INTERVAL: '60000' },
    });
    try {
      assert.equal((await flushing.fetch('/api/items?limit=1')).status, 200);
      assert.equal(await flushing.stop('SIGTERM'), 0, flushing.stderr.join(''));
    } finally {
      refusing.close();
    }
  });
});

describe('SIGTERM under keep-alive load', () => {
  it('answers with Connection: close, resets no request, and exits 0 within the grace with the collector unreachable', async () => {
    const graceMs = 3_000;
    const draining = await startService({
      databaseUrl: postgres.url,
      redisUrl: redis.url,
      // A port nothing listens on: every telemetry export fails until the flush gives up.
      otlpEndpoint: 'http://127.0.0.1:9',
      extra: { SHUTDOWN_GRACE_MS: String(graceMs) },
    });
    const agent = new http.Agent({ keepAlive: true, maxSockets: 12 });
    try {
      const clients = Array.from({ length: 12 }, () => busyKeepAliveClient(draining.baseUrl, agent));
      await sleep(500);
      const signalled = performance.now();
      const exitCode = await draining.stop('SIGTERM');
      const exitedAfterMs = performance.now() - signalled;
      const tallies = await Promise.all(clients);
      assert.equal(exitCode, 0, draining.stderr.join(''));
      // The grace bounds the shutdown's own steps (drain share, pools, flush: 150 ms of slack below it here);
      // the process's teardown and this test's wait for its exit come on top, and the program sets Docker's stop
      // timeout (and Kubernetes' termination grace) above the grace, so SIGKILL is still seconds away.
      assert.ok(exitedAfterMs < graceMs + 500, `exited ${exitedAfterMs.toFixed(0)} ms after SIGTERM`);
      const resets = tallies.reduce((sum, tally) => sum + tally.resets, 0);
      const closes = tallies.reduce((sum, tally) => sum + tally.closeHeaders, 0);
      assert.equal(resets, 0, `requests reset: ${JSON.stringify(tallies)}`);
      assert.equal(closes, tallies.length, `every busy socket is told Connection: close: ${JSON.stringify(tallies)}`);
      assert.ok(tallies.every((tally) => tally.ok > 0));
    } finally {
      agent.destroy();
    }
  });
});

interface ClosingTally {
  answered: number;
  closeHeaders: number;
  refused: number;
  resets: string[];
}

/**
 * A client that honours Connection: close (Node's keep-alive agent opens a new connection for the next
 * request) and keeps sending, as busy clients do, until the port is closed. Reads and lists alternate, so the
 * replica does real work (Postgres, Redis, JSON) while the connections turn over.
 */
async function honouringClient(baseUrl: string, agent: http.Agent, paths: readonly string[]): Promise<ClosingTally> {
  const tally: ClosingTally = { answered: 0, closeHeaders: 0, refused: 0, resets: [] };
  for (let n = 0; ; n++) {
    const outcome = await new Promise<string>((resolve) => {
      const request = http.get(`${baseUrl}${paths[n % paths.length]}`, { agent }, (response) => {
        response.resume();
        response.on('end', () => resolve(response.headers.connection === 'close' ? 'close' : 'ok'));
        response.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
      });
      request.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    });
    if (outcome === 'ECONNREFUSED') {
      tally.refused++;
      return tally;
    }
    if (outcome === 'ok' || outcome === 'close') {
      tally.answered++;
      if (outcome === 'close') tally.closeHeaders++;
    } else {
      tally.resets.push(outcome);
    }
  }
}

describe('SIGTERM under keep-alive load from clients that honour Connection: close', () => {
  it('resets no request: each is answered, or its connection is refused once the port is closed', async () => {
    const items = [...(await createItems(3, 1_000_000)).keys()];
    const paths = [...items.map((id) => `/api/items/${id}`), '/api/items?limit=20'];
    const replicas = 3;
    const clients = 24;
    const seen: ClosingTally[] = [];
    for (let replica = 0; replica < replicas; replica++) {
      const draining = await startService({ databaseUrl: postgres.url, redisUrl: redis.url, extra: { LOG_LEVEL: 'warn' } });
      const agent = new http.Agent({ keepAlive: true });
      try {
        const load = Array.from({ length: clients }, () => honouringClient(draining.baseUrl, agent, paths));
        await sleep(700);
        assert.equal(await draining.stop('SIGTERM'), 0, draining.stderr.join(''));
        seen.push(...(await Promise.all(load)));
      } finally {
        agent.destroy();
      }
    }
    const resets = seen.flatMap((tally) => tally.resets);
    assert.deepEqual(resets, [], `${resets.length} requests reset over ${replicas} shutdowns`);
    assert.ok(seen.every((tally) => tally.answered > 0 && tally.refused === 1), JSON.stringify(seen));
    assert.ok(seen.some((tally) => tally.closeHeaders > 0), 'answers after SIGTERM say Connection: close');
  });
});

/** A raw keep-alive connection: what arrives, whether it ended cleanly (FIN) or was reset. */
function rawConnection(baseUrl: string, { halfOpen = false } = {}) {
  const { hostname, port } = new URL(baseUrl);
  // Half-open: the server's FIN leaves this side open for writing, as on a connection whose client has more
  // bytes in flight when the FIN arrives.
  const socket = net.connect({ port: Number(port), host: hostname, allowHalfOpen: halfOpen });
  let received = '';
  const ended = new Promise<void>((resolve) => socket.once('end', resolve));
  const closed = new Promise<string | undefined>((resolve) => {
    let failure: string | undefined;
    socket.on('error', (error: NodeJS.ErrnoException) => (failure = error.code ?? error.message));
    socket.once('close', () => resolve(failure));
  });
  socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
  const responses = () => received.split('HTTP/1.1 ').slice(1);
  return {
    socket,
    ended,
    closed,
    send: (pathname: string) => socket.write(`GET ${pathname} HTTP/1.1\r\nHost: ${hostname}\r\n\r\n`),
    async response(count: number): Promise<string> {
      while (responses().length < count || !/\r\n\r\n[^]*\}$/.test(received)) {
        if (socket.readableEnded || socket.destroyed) throw new Error(`the server closed the connection before answer ${count}: ${received}`);
        await sleep(10);
      }
      return responses()[count - 1]!;
    },
  };
}

describe('an idle keep-alive connection during shutdown', () => {
  it('stays open for the next request, whose answer says Connection: close, and then ends', async () => {
    const draining = await startService({ databaseUrl: postgres.url, redisUrl: redis.url, extra: { LOG_LEVEL: 'warn' } });
    const connection = rawConnection(draining.baseUrl);
    connection.send('/health/live');
    assert.match(await connection.response(1), /^200 [^]*connection: keep-alive/i);
    const exitCode = draining.stop('SIGTERM');
    // Idle through the start of the shutdown, as a pooled connection is until its client picks it again.
    await sleep(400);
    connection.send('/health/live');
    const last = await connection.response(2);
    assert.match(last, /^200 /, 'the request on the idle connection is answered');
    assert.match(last, /connection: close/i);
    await connection.ended;
    connection.socket.end();
    assert.equal(await connection.closed, undefined, 'the connection ends without a reset');
    assert.equal(await exitCode, 0);
  });
});

/** A replica 300 ms into its shutdown, with a half-open keep-alive connection it answered before the signal. */
async function shutdownWithKeptConnection() {
  const draining = await startService({ databaseUrl: postgres.url, redisUrl: redis.url });
  const connection = rawConnection(draining.baseUrl, { halfOpen: true });
  connection.send('/health/live');
  assert.match(await connection.response(1), /^200 [^]*connection: keep-alive/i);
  const exitCode = draining.stop('SIGTERM');
  await sleep(300);
  return { draining, connection, exitCode };
}

describe('the connection a shutdown closes after its last answer', () => {
  it('is half-closed at once and read until the client closes it: a request that crosses the close is dropped, not reset', async () => {
    const { draining, connection, exitCode } = await shutdownWithKeptConnection();
    connection.send('/health/live');
    assert.match(await connection.response(2), /^200 [^]*connection: close/i);
    const answeredAt = performance.now();
    // The server's FIN follows its answer, not the keep-alive timeout (5 s) nor the end of the drain.
    await connection.ended;
    const finAfterMs = performance.now() - answeredAt;
    assert.ok(finAfterMs < 1_000, `FIN ${finAfterMs.toFixed(0)} ms after the last answer`);
    // A request sent after the close, as one that crossed it on the wire would be: the server still reads
    // (a closed socket would answer these bytes with a reset) and processes nothing.
    const crossed = '/api/items/987654321';
    connection.send(crossed);
    await sleep(300);
    assert.ok(!connection.socket.destroyed, 'the connection is still open after the FIN');
    connection.socket.end();
    assert.equal(await connection.closed, undefined, 'the connection ends without a reset');
    assert.equal(await exitCode, 0);
    assert.equal(draining.logLines.filter((line) => line['url.path'] === crossed).length, 0, 'the crossed request was not processed');
  });

  it('answers the first of two pipelined requests with Connection: close and processes not the second', async () => {
    const { draining, connection, exitCode } = await shutdownWithKeptConnection();
    // Two requests in a row on the same connection, before the first is answered (HTTP/1.1 pipelining).
    const [first, second] = ['/api/items/987654320', '/api/items/987654321'];
    connection.socket.write([first, second].map((path) => `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`).join(''));
    assert.match(await connection.response(2), /^404 [^]*connection: close/i);
    await connection.ended;
    await sleep(200);
    connection.socket.end();
    assert.equal(await connection.closed, undefined, 'the connection ends without a reset');
    assert.equal(await exitCode, 0);
    const paths = draining.logLines.map((line) => line['url.path']);
    assert.ok(paths.includes(first), 'the first request was processed');
    assert.ok(!paths.includes(second), 'the second was not: its answer could never have been sent');
  });
});
