import assert from 'node:assert/strict';
import { connect, createServer, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { sql } from 'drizzle-orm';
import type { AvailabilityState } from '../src/db/availability';
import { createDatabase } from '../src/db/client';
import { databaseErrorCode, isDatabaseUnavailable, mayHaveTakenEffect } from '../src/db/errors';
import { startPostgres, type TestServer } from './support/servers';

/**
 * A TCP proxy to Postgres that can go silent: connections stay open and nothing passes either way, as on a
 * black-holed path; what was sent meanwhile is held, not lost (TCP retransmits it), and arrives once the link is
 * back.
 */
async function startSilencingProxy(targetUrl: string) {
  const target = new URL(targetUrl);
  let silent = false;
  const sockets = new Set<Socket>();
  const hold = (socket: Socket) => (silent ? socket.pause() : socket.resume());
  const server = createServer((client) => {
    const upstream = connect(Number(target.port), target.hostname);
    for (const [from, to] of [[client, upstream], [upstream, client]] as const) {
      sockets.add(from);
      from.pipe(to);
      hold(from);
      from.on('error', () => undefined);
      from.on('close', () => (sockets.delete(from), to.destroy()));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  const url = new URL(targetUrl);
  url.port = String(port);
  return {
    url: url.toString(),
    silence(on: boolean) {
      silent = on;
      sockets.forEach(hold);
    },
    close: () => new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    }),
  };
}

let postgres: TestServer;
before(async () => {
  postgres = await startPostgres();
});
after(() => postgres?.dispose());

describe('the breaker in front of postgres.js', () => {
  it('answers a statement stuck in its first round trip on a silent connection once the probe fails, then refuses at once, and closes when the link is back', async () => {
    const proxy = await startSilencingProxy(postgres.url);
    const states: AvailabilityState[] = [];
    const { db, close } = createDatabase({ url: proxy.url, poolMax: 1, connectTimeoutSeconds: 1, onAvailabilityChange: (state) => states.push(state) });
    try {
      await db.execute(sql`select 1`);
      proxy.silence(true);
      // A statement text this connection has not run: postgres.js 4.2.0 describes it first, and a cancel or a
      // query_timeout does not end that round trip (load/RELIABILITY.md, "Choosing the Postgres driver").
      const started = performance.now();
      const noAnswer = new Promise((resolve) => setTimeout(resolve, 6_000, 'no answer after 6 s')).then((text) => ({ text }));
      const error = await Promise.race([db.execute(sql`select ${1}::int as fresh`).then(() => undefined, (e: unknown) => e), noAnswer]);
      const waitedMs = performance.now() - started;
      assert.ok(error, 'the statement succeeded on a silent connection');
      assert.notDeepEqual(error, { text: 'no answer after 6 s' }, 'the statement is still waiting 6 s into the black hole');
      assert.ok(isDatabaseUnavailable(error), `answered 503: ${String(error)}`);
      assert.ok(mayHaveTakenEffect(error), 'it was sent: its outcome is unknown');
      // No answer for 2 s starts a probe (availability.ts stallMs), whose 1 s timeout opens the breaker.
      assert.ok(waitedMs > 1_500 && waitedMs < 4_500, `answered after ${waitedMs.toFixed(0)} ms`);
      assert.deepEqual(states, ['probing', 'down']);

      const refusedAt = performance.now();
      const refused = await db.execute(sql`select 2`).then(() => undefined, (e: unknown) => e);
      assert.equal(databaseErrorCode(refused), 'DATABASE_DOWN');
      assert.ok(performance.now() - refusedAt < 100, 'refused without waiting');

      proxy.silence(false);
      const deadline = performance.now() + 5_000;
      while (states.at(-1) !== 'up' && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      assert.equal(states.at(-1), 'up');
      const [row] = (await db.execute(sql`select 3 as three`)) as unknown as Array<{ three: number }>;
      assert.equal(row?.three, 3);
    } finally {
      proxy.silence(false);
      await close();
      await proxy.close();
    }
  });
});
