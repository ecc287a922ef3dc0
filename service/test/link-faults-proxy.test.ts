import assert from 'node:assert/strict';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { startFaultProxy, type FaultProxy, type ProxyToxic } from './support/fault-proxy';

/** The test proxy's toxics on the wire, as Toxiproxy v2.12.0's toxics/*.go and link.go behave. */
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const toxic = (type: string, attributes: Record<string, number>): ProxyToxic => ({ name: `${type}_downstream`, type, stream: 'downstream', toxicity: 1, attributes });

let echo: Server;
let proxy: FaultProxy;
before(async () => {
  echo = createServer((socket) => {
    socket.on('error', () => undefined);
    socket.pipe(socket);
  });
  await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
  proxy = await startFaultProxy({ host: '127.0.0.1', port: (echo.address() as { port: number }).port });
});
after(async () => {
  await proxy.close();
  await new Promise<void>((resolve) => echo.close(() => resolve()));
});

interface Seen {
  data: string;
  ended?: { how: string; at: number };
}
/** Read through a call: the socket's handlers change it behind TypeScript's narrowing. */
const endOf = (seen: Seen) => seen.ended;

/** A connected client that records what it receives and how it ended. */
async function client() {
  const socket: Socket = connect(proxy.port, '127.0.0.1');
  const seen: Seen = { data: '' };
  socket.on('data', (chunk: Buffer) => (seen.data += chunk.toString()));
  socket.on('error', (error: NodeJS.ErrnoException) => (seen.ended ??= { how: error.code ?? 'error', at: performance.now() }));
  socket.on('end', () => (seen.ended ??= { how: 'fin', at: performance.now() }));
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  return { socket, seen };
}

describe('the fault proxy', () => {
  it('latency delays each answer, and removing it lets what it held go at once', async () => {
    const { socket, seen } = await client();
    proxy.setToxics([toxic('latency', { latency: 1_000, jitter: 0 })]);
    socket.write('a');
    await sleep(300);
    assert.equal(seen.data, '', 'held by the latency');
    const removed = performance.now();
    proxy.setToxics([]);
    while (seen.data === '' && performance.now() - removed < 2_000) await sleep(5);
    assert.equal(seen.data, 'a');
    assert.ok(performance.now() - removed < 200, 'released when the toxic went, not 1 s after it arrived');
    socket.destroy();
  });

  it('reset_peer drops the data and resets the connection `timeout` ms after the first chunk', async () => {
    const { socket, seen } = await client();
    proxy.setToxics([toxic('reset_peer', { timeout: 200 })]);
    await sleep(300);
    assert.equal(seen.ended, undefined, 'an idle connection is not reset: the timer starts with data');
    const sent = performance.now();
    socket.write('b');
    while (!endOf(seen) && performance.now() - sent < 2_000) await sleep(5);
    proxy.setToxics([]);
    assert.equal(endOf(seen)?.how, 'ECONNRESET');
    assert.ok(endOf(seen)!.at - sent >= 190, `reset ${(endOf(seen)!.at - sent).toFixed(0)} ms after the chunk`);
    assert.equal(seen.data, '');
  });

  it('timeout drops the data, closes once the stream has been silent that long, and its removal closes what it held', async () => {
    const first = await client();
    proxy.setToxics([toxic('timeout', { timeout: 300 })]);
    const armed = performance.now();
    first.socket.write('c');
    while (!first.seen.ended && performance.now() - armed < 2_000) await sleep(5);
    assert.equal(first.seen.data, '');
    assert.equal(first.seen.ended?.how, 'fin');
    assert.ok(first.seen.ended!.at - armed >= 290, `closed after ${(first.seen.ended!.at - armed).toFixed(0)} ms`);

    proxy.setToxics([toxic('timeout', { timeout: 0 })]);
    const second = await client();
    await sleep(400);
    assert.equal(second.seen.ended, undefined, 'timeout 0 holds the connection open');
    proxy.setToxics([]);
    await sleep(100);
    assert.equal(endOf(second.seen)?.how, 'fin', 'TimeoutToxic.Cleanup closes the stub when the toxic is removed');
  });

  it('down refuses new connections and closes open ones; up again on the same port', async () => {
    const open = await client();
    await proxy.setEnabled(false);
    await sleep(50);
    assert.equal(open.seen.ended?.how, 'fin');
    await assert.rejects(client(), /ECONNREFUSED/);
    await proxy.setEnabled(true);
    const again = await client();
    again.socket.write('d');
    await sleep(100);
    assert.equal(again.seen.data, 'd');
    again.socket.destroy();
  });
});
