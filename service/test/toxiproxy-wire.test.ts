import assert from 'node:assert/strict';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { after, afterEach, before, describe, it } from 'node:test';
import { toxiproxyApi, type ToxiproxyToxic } from '../src/fault-controller/toxiproxy-api';
import { loopbackProxies, startToxiproxy, type RunningToxiproxy } from './support/toxiproxy';

/**
 * Each toxic the fault model has, on the wire of the real Toxiproxy (v2.12.0, built by `npm run programs`):
 * what a client of a proxied link sees. The upstream is an echo server, so every answer is the client's own
 * bytes coming back through the downstream toxics.
 */
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const toxic = (type: string, attributes: Record<string, number>): ToxiproxyToxic => ({ name: `${type}_downstream`, type, stream: 'downstream', toxicity: 1, attributes });

let echo: Server;
let toxiproxy: RunningToxiproxy;
const api = () => toxiproxyApi(toxiproxy.url);
const echoSockets = new Set<Socket>();
before(async () => {
  echo = createServer((socket) => {
    echoSockets.add(socket);
    socket.on('close', () => echoSockets.delete(socket));
    socket.on('error', () => undefined);
    socket.pipe(socket);
  });
  await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
  toxiproxy = await startToxiproxy(await loopbackProxies({ link: `127.0.0.1:${(echo.address() as { port: number }).port}` }));
});
after(async () => {
  await toxiproxy?.close();
  for (const socket of echoSockets) socket.destroy();
  await new Promise<void>((resolve) => echo.close(() => resolve()));
});
afterEach(async () => {
  for (const { name } of (await api().proxies()).link!.toxics) await api().removeToxic('link', name);
  await api().setEnabled('link', true);
});

interface Seen {
  data: Buffer;
  chunks: number;
  /** How the connection ended for the client: `fin` (EOF), or the socket error's code (ECONNRESET). */
  ended?: { how: string; at: number };
}
/** Read through a call: the socket's handlers change it behind TypeScript's narrowing. */
const endOf = (seen: Seen) => seen.ended;

/** A connected client of the proxy that records what it receives and how its connection ended. */
async function client() {
  const socket: Socket = connect(toxiproxy.port('link'), '127.0.0.1');
  const seen: Seen = { data: Buffer.alloc(0), chunks: 0 };
  socket.on('data', (chunk: Buffer) => {
    seen.data = Buffer.concat([seen.data, chunk]);
    seen.chunks++;
  });
  socket.on('error', (error: NodeJS.ErrnoException) => (seen.ended ??= { how: error.code ?? 'error', at: performance.now() }));
  socket.on('end', () => (seen.ended ??= { how: 'fin', at: performance.now() }));
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  return { socket, seen };
}

async function until(check: () => boolean, timeoutMs: number): Promise<number> {
  const started = performance.now();
  while (!check()) {
    if (performance.now() - started > timeoutMs) break;
    await sleep(5);
  }
  return performance.now() - started;
}

/** ms for `size` bytes to come back through the proxy, on a connection opened for it. */
async function echoTime(size: number): Promise<number> {
  const { socket, seen } = await client();
  const started = performance.now();
  socket.write(Buffer.alloc(size, 'x'));
  await until(() => seen.data.length >= size, 20_000);
  socket.destroy();
  assert.equal(seen.data.length, size, 'every byte came back');
  return performance.now() - started;
}

describe('the real Toxiproxy on the wire', () => {
  it('latency with jitter delays each answer by latency ± jitter', async () => {
    await api().addToxic('link', toxic('latency', { latency: 300, jitter: 50 }));
    const times = [];
    for (let i = 0; i < 5; i++) times.push(await echoTime(4));
    assert.ok(times.every((ms) => ms >= 245 && ms < 600), `round trips ${times.map((ms) => ms.toFixed(0)).join(', ')} ms`);
  });

  it('bandwidth caps the answer at `rate` KB/s', async () => {
    await api().addToxic('link', toxic('bandwidth', { rate: 50 }));
    // 100 KB at 50 KB/s (bandwidth.go: len/rate ms per chunk, in slices of rate*100 bytes every 100 ms).
    const ms = await echoTime(100_000);
    assert.ok(ms >= 1_700 && ms < 4_000, `100 KB took ${ms.toFixed(0)} ms`);
  });

  it('slicer cuts an answer into pieces of about average_size with `delay` µs between them', async () => {
    await api().addToxic('link', toxic('slicer', { average_size: 100, size_variation: 20, delay: 20_000 }));
    const { socket, seen } = await client();
    socket.write(Buffer.alloc(1_000, 'y'));
    const ms = await until(() => seen.data.length >= 1_000, 5_000);
    socket.destroy();
    assert.equal(seen.data.length, 1_000);
    // At least eight slices of at most 120 bytes, 20 ms apart: the client reads them one by one.
    assert.ok(seen.chunks >= 8, `${seen.chunks} reads`);
    assert.ok(ms >= 140, `whole answer after ${ms.toFixed(0)} ms`);
  });

  it('timeout drops the answer and closes the connection (FIN) once no data came for `timeout` ms; 0 holds it open', async () => {
    await api().addToxic('link', toxic('timeout', { timeout: 300 }));
    const closing = await client();
    const sent = performance.now();
    closing.socket.write('a');
    await until(() => closing.seen.ended !== undefined, 3_000);
    assert.equal(closing.seen.data.length, 0, 'the answer was dropped');
    assert.equal(endOf(closing.seen)?.how, 'fin');
    assert.ok(endOf(closing.seen)!.at - sent >= 280, `closed ${(endOf(closing.seen)!.at - sent).toFixed(0)} ms after the data`);

    await api().updateToxic('link', 'timeout_downstream', { attributes: { timeout: 0 }, toxicity: 1 });
    const held = await client();
    held.socket.write('b');
    await sleep(600);
    assert.equal(held.seen.ended, undefined, 'timeout 0 holds the connection open');
    assert.equal(held.seen.data.length, 0);
    held.socket.destroy();
  });

  it('removing a timeout toxic closes every open connection of its link, idle or not (TimeoutToxic.Cleanup)', async () => {
    await api().addToxic('link', toxic('timeout', { timeout: 0 }));
    const idle = await client();
    const waiting = await client();
    waiting.socket.write('c');
    await sleep(200);
    assert.equal(idle.seen.ended, undefined);
    assert.equal(waiting.seen.ended, undefined);
    await api().removeToxic('link', 'timeout_downstream');
    await until(() => endOf(idle.seen) !== undefined && endOf(waiting.seen) !== undefined, 2_000);
    assert.equal(endOf(idle.seen)?.how, 'fin', 'a connection that never sent anything is closed too');
    assert.equal(endOf(waiting.seen)?.how, 'fin');
    assert.equal(waiting.seen.data.length, 0, 'what the toxic dropped stays dropped');
    const fresh = await client();
    fresh.socket.write('d');
    await until(() => fresh.seen.data.length > 0, 2_000);
    assert.equal(fresh.seen.data.toString(), 'd', 'a new connection works at once');
    fresh.socket.destroy();
  });

  it('reset_peer: a connection opened after the toxic is reset (RST), one already open is closed with a FIN', async () => {
    const before = await client();
    await api().addToxic('link', toxic('reset_peer', { timeout: 200 }));
    const afterward = await client();
    await sleep(300);
    assert.equal(before.seen.ended, undefined, 'an idle connection is not touched: the countdown starts with data');
    assert.equal(afterward.seen.ended, undefined);
    const sent = performance.now();
    before.socket.write('e');
    afterward.socket.write('f');
    await until(() => endOf(before.seen) !== undefined && endOf(afterward.seen) !== undefined, 3_000);
    // link.go sets SetLinger(0) only when a link starts with the toxic in its chain (ToxicLink.Start).
    assert.equal(endOf(afterward.seen)?.how, 'ECONNRESET');
    assert.equal(endOf(before.seen)?.how, 'fin');
    for (const seen of [before.seen, afterward.seen]) {
      assert.equal(seen.data.length, 0, 'the data is dropped');
      assert.ok(endOf(seen)!.at - sent >= 190, `ended ${(endOf(seen)!.at - sent).toFixed(0)} ms after the data`);
    }
  });

  it('while a reset_peer countdown runs, a downstream toxic change and GET /proxies wait for it (toxic_collection.go holds its lock)', async () => {
    await api().addToxic('link', toxic('reset_peer', { timeout: 1_500 }));
    const counting = await client();
    counting.socket.write('g');
    await sleep(100);
    const started = performance.now();
    const change = api().addToxic('link', toxic('latency', { latency: 10, jitter: 0 })).then(() => performance.now() - started);
    await sleep(100);
    const listing = fetch(`${toxiproxy.url}/proxies`).then(() => performance.now() - started);
    const [changeMs, listingMs] = await Promise.all([change, listing]);
    assert.ok(changeMs >= 1_200, `the change waited ${changeMs.toFixed(0)} ms`);
    assert.ok(listingMs >= 1_200, `GET /proxies waited ${listingMs.toFixed(0)} ms`);
    assert.ok(listingMs >= changeMs - 50, 'and was answered after the change');
  });

  it('down refuses new connections and closes open ones; enabled again on the same port', async () => {
    const open = await client();
    await api().setEnabled('link', false);
    await until(() => open.seen.ended !== undefined, 2_000);
    assert.equal(endOf(open.seen)?.how, 'fin');
    await assert.rejects(client(), /ECONNREFUSED/);
    await api().setEnabled('link', true);
    assert.ok((await echoTime(3)) < 500);
  });
});
