import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { failureKind } from '../chaos/classify.ts';
import { OrderJournal, orderStateFor } from '../chaos/journal.ts';
import { checkLedger, type JournalEntry, type OrderRow } from '../chaos/ledger.ts';
import { failedBetween, lastFailureMs, latencySummary, maxConcurrent, outcomeCounts, percentile, phaseAt, recoveryMs } from '../chaos/stats.ts';
import type { Sample } from '../chaos/samples.ts';
import { hostileCases, judge } from '../chaos/faults/hostile-cases.ts';
import { schedule } from '../chaos/faults/hostile.ts';
import { apiTimestampMs } from '../chaos/faults/task-flood.ts';
import { parseResponseHead } from '../chaos/raw-http.ts';
import { optionsFromArgs } from '../chaos/main.ts';
import { ledgerCheck } from '../chaos/result.ts';
import { keptSections } from '../chaos/report.ts';

const acked = (key: string, itemId: number, quantity: number, orderId: number): JournalEntry => ({ key, itemId, quantity, state: 'acknowledged', orderId });
const row = (id: number, key: string, itemId: number, quantity: number): OrderRow => ({ id, key, itemId, quantity });

test('ledger: acknowledged orders stored once each and stock matching is ok', () => {
  const result = checkLedger(
    [acked('a', 1, 2, 10), acked('b', 2, 1, 11), { key: 'c', itemId: 1, quantity: 5, state: 'refused' }],
    [row(10, 'a', 1, 2), row(11, 'b', 2, 1), row(12, 'other-item', 9, 1)],
    [{ itemId: 1, initial: 100, actual: 98 }, { itemId: 2, initial: 50, actual: 49 }],
  );
  assert.equal(result.ok, true);
  assert.deepEqual({ acknowledged: result.acknowledged, refused: result.refused, rows: result.rows }, { acknowledged: 2, refused: 1, rows: 2 });
});

test('ledger: lost, duplicated, phantom and altered orders, and stock drift, are each named', () => {
  const stocks = [{ itemId: 1, initial: 100, actual: 100 }];
  const lost = checkLedger([acked('a', 1, 2, 10)], [], stocks);
  assert.deepEqual(lost.missing, ['a']);
  assert.deepEqual(lost.stock, [{ itemId: 1, expected: 98, actual: 100 }]);
  assert.equal(lost.ok, false);

  const twice = checkLedger([acked('a', 1, 2, 10)], [row(10, 'a', 1, 2), row(11, 'a', 1, 2)], [{ itemId: 1, initial: 100, actual: 98 }]);
  assert.deepEqual(twice.duplicated, ['a']);
  assert.equal(twice.ok, false);

  // Stored although the client was told 409: the replay lied.
  const phantom = checkLedger([{ key: 'p', itemId: 1, quantity: 3, state: 'refused' }], [row(5, 'p', 1, 3)], [{ itemId: 1, initial: 100, actual: 97 }]);
  assert.deepEqual(phantom.unacknowledged, ['p']);
  assert.equal(phantom.ok, false);

  const altered = checkLedger([acked('a', 1, 2, 10)], [row(99, 'a', 1, 2)], [{ itemId: 1, initial: 100, actual: 98 }]);
  assert.deepEqual(altered.mismatched, ['a']);

  const unresolved = checkLedger([{ key: 'u', itemId: 1, quantity: 1, state: 'unknown' }], [], stocks);
  assert.deepEqual(unresolved.unresolved, ['u']);
  assert.equal(unresolved.ok, false);
  assert.match(ledgerCheck(unresolved).detail, /1 outcomes never learned/);
  assert.match(ledgerCheck(lost).detail, /1 acknowledged missing; item 1 stock 100, expected 98/);
});

test('journal: what each reply tells the client about an order, and the first definite answer stands', () => {
  assert.equal(orderStateFor({ status: 201 }), 'acknowledged');
  assert.equal(orderStateFor({ status: 409 }), 'refused');
  assert.equal(orderStateFor({ status: 422 }), 'refused');
  assert.equal(orderStateFor({ failure: 'refused' }), 'refused', 'a refused connection never carried the order');
  for (const reply of [{ status: 503 }, { status: 500 }, { status: 429 }, { failure: 'reset' as const }, { failure: 'timeout' as const }]) {
    assert.equal(orderStateFor(reply), 'unknown', JSON.stringify(reply));
  }
  const journal = new OrderJournal();
  const entry = journal.create(7, 2, 'test');
  journal.record(entry.key, { failure: 'reset' });
  assert.equal(journal.unknown().length, 1);
  journal.record(entry.key, { status: 201 }, 42);
  journal.record(entry.key, { status: 409 });
  assert.deepEqual(journal.entries().map(({ state, orderId }) => ({ state, orderId })), [{ state: 'acknowledged', orderId: 42 }]);
  assert.deepEqual(JSON.parse(journal.body(entry)), { itemId: 7, quantity: 2 });
  assert.throws(() => journal.record('nope', { status: 201 }), /no order with key nope/);
});

const sample = (startedAt: number, endedAt: number, outcome: { status?: number; failure?: Sample['failure'] }, touchesPostgres = true): Sample => ({
  route: 'r',
  touchesPostgres,
  startedAt,
  endedAt,
  connectionClose: false,
  ...outcome,
});

test('stats: nearest-rank percentiles over answered requests, counts by status and failure', () => {
  const values = Array.from({ length: 100 }, (_, i) => i + 1);
  assert.equal(percentile(values, 50), 50);
  assert.equal(percentile(values, 99), 99);
  assert.equal(percentile([5], 99), 5);
  assert.ok(Number.isNaN(percentile([], 50)));
  const samples = [sample(0, 10, { status: 200 }), sample(0, 30, { status: 503 }), sample(0, 9_000, { failure: 'timeout' })];
  assert.deepEqual(latencySummary(samples), { count: 2, p50Ms: 10, p99Ms: 30 }, 'a timed-out request has no latency to count');
  assert.deepEqual(outcomeCounts([...samples, sample(0, 1, { failure: 'reset' })]), { '200': 1, '503': 1, reset: 1, timeout: 1 });
});

test('stats: phases and recovery after the dependency returns', () => {
  const marks = [{ at: 100, phase: 'during' as const }, { at: 200, phase: 'after' as const }];
  assert.equal(phaseAt(marks, 50), 'before');
  assert.equal(phaseAt(marks, 100), 'during');
  assert.equal(phaseAt(marks, 250), 'after');
  const samples = [
    sample(150, 260, { status: 201 }), // sent before the return: does not count as recovery
    sample(205, 230, { status: 200 }, false), // a cached read: not a Postgres route
    sample(210, 240, { status: 503 }),
    sample(220, 290, { status: 201 }),
    sample(230, 350, { failure: 'reset' }),
    sample(400, 410, { status: 201 }), // after the next stop (until = 380)
  ];
  const postgresOnly = (s: Sample) => s.touchesPostgres;
  assert.equal(recoveryMs(samples, 200, 380, postgresOnly), 90);
  assert.equal(recoveryMs(samples, 200, 380), 30);
  assert.equal(recoveryMs(samples, 200, 215, postgresOnly), null);
  assert.equal(lastFailureMs(samples, 200, 380, postgresOnly), 150);
  assert.equal(lastFailureMs([sample(210, 220, { status: 200 })], 200, 380), 0);
  assert.equal(failedBetween(samples, 200, 380, postgresOnly), 2);
  assert.equal(failedBetween(samples, 225, 380, postgresOnly), 1);
});

test('task flood: the most tasks unfinished at once, from the timestamps the API returns', () => {
  assert.equal(maxConcurrent([]), 0);
  assert.equal(maxConcurrent([[0, 10], [5, 15], [12, 20]]), 2);
  assert.equal(maxConcurrent([[0, 10], [10, 20], [20, 30]]), 1, 'a slot freed at the instant another task is accepted');
  assert.equal(maxConcurrent(Array.from({ length: 18 }, (_, i) => [i, 100 + i] as const)), 18);
  assert.equal(apiTimestampMs('2026-11-27T21:59:47.123456Z'), Date.UTC(2026, 10, 27, 21, 59, 47, 123));
  assert.equal(apiTimestampMs('2026-11-27T23:59:47.5+02:00'), Date.UTC(2026, 10, 27, 21, 59, 47, 500));
  assert.throws(() => apiTimestampMs(''), /not an RFC 3339 timestamp/);
  assert.throws(() => apiTimestampMs('2026-11-27 21:59:47.123456+00'), /not an RFC 3339 timestamp/, 'Postgres text, which the API no longer answers');
});

test('classify: fetch failures as undici really reports them', async (t) => {
  const server = createServer((request) => request.socket.destroy());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => server.close());
  const { port } = server.address() as AddressInfo;
  const reset = await fetch(`http://127.0.0.1:${port}/`).catch((error: unknown) => error);
  assert.equal(failureKind(reset), 'reset');
  server.close();
  await new Promise((resolve) => setTimeout(resolve, 50));
  const refused = await fetch(`http://127.0.0.1:${port}/`).catch((error: unknown) => error);
  assert.equal(failureKind(refused), 'refused');

  const silent = createServer(() => undefined);
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  t.after(() => silent.closeAllConnections());
  t.after(() => silent.close());
  const timeout = await fetch(`http://127.0.0.1:${(silent.address() as AddressInfo).port}/`, { signal: AbortSignal.timeout(100) }).catch((error: unknown) => error);
  assert.equal(failureKind(timeout), 'timeout');
  assert.equal(failureKind(new Error('something else')), 'other');
});

test('hostile: judging answers, the schedule, and ids aimed at real decoys', () => {
  assert.match(judge('not-resolved', { status: 200 }) ?? '', /non-canonical id resolved/);
  assert.equal(judge('not-resolved', { status: 404 }), undefined);
  assert.equal(judge('not-resolved', { status: 400 }), undefined);
  assert.match(judge('method-not-allowed', { status: 405 }) ?? '', /without Allow/);
  assert.match(judge('method-not-allowed', { status: 404 }) ?? '', /expected 405/);
  assert.equal(judge('method-not-allowed', { status: 405, allow: 'GET, POST' }), undefined);
  assert.equal(judge('rejected-or-closed', { failure: 'reset' }), undefined);
  assert.match(judge('rejected', { status: 201 }) ?? '', /expected a 4xx/);
  assert.match(judge('survives', { status: 500 }) ?? '', /500/);
  assert.equal(judge('too-large', { status: 413 }), undefined);

  const cases = hostileCases((rank) => rank, () => 'k');
  const work = schedule(cases, 1_000);
  assert.ok(work.length >= 1_000);
  const once = cases.filter((c) => c.once);
  assert.ok(once.length > 0);
  for (const c of once) assert.equal(work.filter((w) => w === c).length, 1, c.name);
  assert.throws(() => hostileCases((rank) => rank + 100, () => 'k'), /would not aim at it/);
});

test('raw HTTP: the head of an answer is parsed once it has fully arrived', () => {
  assert.equal(parseResponseHead('HTTP/1.1 400 Bad Request\r\nConnection: close'), undefined);
  assert.deepEqual(parseResponseHead('HTTP/1.1 405 Method Not Allowed\r\nAllow: GET, POST\r\nX-A:b\r\n\r\n{}'), { status: 405, headers: { allow: 'GET, POST', 'x-a': 'b' } });
  assert.equal(parseResponseHead('garbage\r\n\r\n'), undefined);
  assert.equal(parseResponseHead('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\n\r\n')?.status, 201, 'a 100 Continue is not the answer');
});

test('chaos CLI arguments are validated', () => {
  const { options, only } = optionsFromArgs(['--clients', '5', '--only', 'redis,hostile']);
  assert.equal(options.clients, 5);
  assert.deepEqual(only, ['redis', 'hostile']);
  assert.throws(() => optionsFromArgs(['--only', 'meteor']), /unknown fault meteor/);
  assert.throws(() => optionsFromArgs(['--cycles', '0']), /--cycles must be a positive integer/);
});

test('a rewritten RELIABILITY.md keeps the hand-written driver comparison, and only it', () => {
  const previous = [
    '# Reliability: the service under faults', '', 'old figures', '', '## Summary', '', 'old table', '',
    '## Choosing the Postgres driver', '', 'measured by hand', '', '### postgres.js 4.2.0', '', 'figures', '',
    '## Reproduce', '', 'old command', '',
  ].join('\n');
  assert.equal(keptSections(previous), '## Choosing the Postgres driver\n\nmeasured by hand\n\n### postgres.js 4.2.0\n\nfigures\n');
  assert.equal(keptSections('# Reliability\n\n## Summary\n'), '');
  const atTheEnd = '# R\n\n## Reproduce\n\nx\n\n## Choosing the Postgres driver\n\nlast\n';
  assert.equal(keptSections(atTheEnd), '## Choosing the Postgres driver\n\nlast\n');
});
