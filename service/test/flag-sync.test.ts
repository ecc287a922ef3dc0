/**
 * The service's flag provider against flagd's sync stream over time: no stream deadline, and a flagd that
 * starts after the service. The sync double behaves as flagd v0.16.1 does where these tests rely on it
 * (support/flag-sync-server.ts: the whole flag set on connect and on every change, a stream ended with
 * DEADLINE_EXCEEDED at the deadline its client asked for).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { faultFlags } from '../src/faults/flags';
import { flagSet } from './support/flag-file';
import { FlagSyncServer } from './support/flag-sync-server';
import { freePort, startPostgres, startRedis, type TestServer } from './support/servers';
import { runMigrationsProcess, startService, type RunningService } from './support/service-process';

let postgres: TestServer;
let redis: TestServer;

before(async () => {
  [postgres, redis] = await Promise.all([startPostgres(), startRedis()]);
  const migration = await runMigrationsProcess(postgres.url);
  assert.equal(migration.code, 0, migration.output);
});

after(async () => {
  await Promise.all([postgres?.dispose(), redis?.dispose()]);
});

const errorsOn = flagSet({ errorRate: { value: 1, routes: ['/api/orders/:id'] } });
const allOff = flagSet();
/** An order that does not exist: 404 without the fault, 500 with the error-rate flag on its route. */
const orderStatus = async (service: RunningService) => (await service.fetch('/api/orders/999999')).status;

async function eventually<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = await check();
    if (result) return result;
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const providerTrouble = (service: RunningService) =>
  service.logLines.filter(
    (line) =>
      (line.component === 'openfeature' && (line.level === 'error' || line.level === 'warn' || line.level === 50 || line.level === 40)) ||
      String(line.msg).startsWith('flag provider lost its source') ||
      String(line.msg).startsWith('flag provider error'),
  );

const changeLines = (service: RunningService) => service.logLines.filter((line) => line.msg === 'fault flags changed');

describe('the sync stream and its deadline', () => {
  it('asks flagd for a stream with no deadline, so it is never cut: one stream, no error, no STALE, changes still arrive', async () => {
    const flagd = new FlagSyncServer(errorsOn);
    const port = await flagd.start();
    // The provider's own knob for its default deadline (600,000 ms), shortened so that a deadline, were the
    // stream to ask for one, would fall inside this test several times over.
    const service = await startService({
      databaseUrl: postgres.url,
      redisUrl: redis.url,
      extra: { FLAGD_HOST: '127.0.0.1', FLAGD_PORT: String(port), FLAGD_STREAM_DEADLINE_MS: '1500' },
    });
    try {
      await eventually('the synced error fault answers 500', async () => (await orderStatus(service)) === 500);
      await new Promise((resolve) => setTimeout(resolve, 6_000));
      assert.deepEqual(flagd.streamDeadlines, [Number.POSITIVE_INFINITY], 'one stream, asked with no deadline');
      assert.equal(flagd.openStreams, 1, 'the stream is still open');
      assert.deepEqual(providerTrouble(service), [], 'no error, no STALE, no ERROR');
      flagd.publish(allOff);
      await eventually('the change arrived on the same stream', async () => (await orderStatus(service)) === 404, 3_000);
      assert.equal(flagd.streamDeadlines.length, 1);
    } finally {
      flagd.stop();
      await service.stop();
    }
  });
});

describe('a flagd that starts after the service', () => {
  it('applies the first successful sync after a failed first connection, and every change after it, and says which flags changed', async () => {
    const port = await freePort();
    const service = await startService({ databaseUrl: postgres.url, redisUrl: redis.url, extra: { FLAGD_HOST: '127.0.0.1', FLAGD_PORT: String(port) } });
    const flagd = new FlagSyncServer(errorsOn);
    try {
      // The first connection fails (the provider's 500 ms connect deadline): its initialisation rejects.
      await eventually('the first connection failed', async () => service.logLines.some((line) => line.component === 'openfeature' && /initiali[sz]ation/i.test(String(line.msg))), 10_000);
      assert.equal(await orderStatus(service), 404, 'no flag yet: no fault');

      await flagd.start(port);
      await eventually('the first sync applied the error fault', async () => (await orderStatus(service)) === 500);
      await eventually('the change is logged with its flag', async () => changeLines(service).some((line) => (line.flagsChanged as string[]).includes(faultFlags.errorRate.key)), 3_000);

      const logged = changeLines(service).length;
      flagd.publish(allOff);
      const published = performance.now();
      await eventually('the next change applied', async () => (await orderStatus(service)) === 404, 3_000);
      const appliedMs = performance.now() - published;
      await eventually('and logged', async () => changeLines(service).length > logged, 3_000);
      assert.deepEqual(changeLines(service).at(-1)!.flagsChanged, [faultFlags.errorRate.key]);
      // The provider never says that flags changed after a failed first connection: the snapshot's own
      // refresh (every second) is what brings the change, so it takes at most about that.
      assert.ok(appliedMs < 1_500, `the change took ${appliedMs.toFixed(0)} ms`);
      assert.equal(service.process.exitCode, null);
    } finally {
      flagd.stop();
      await service.stop();
    }
  });
});
