/**
 * The fault controller drives the real Toxiproxy (v2.12.0, `npm run programs`) started from the `-config`
 * file the program generates (configs/toxiproxy.ts), to the declarations the program generates from the
 * fault model, and each fault shows on real traffic through the proxies: Postgres answering a protocol
 * request, Redis answering commands (raw sockets, to see bytes, reads and how a connection ends).
 *
 * One departure from the lab: the generated file has every proxy listen on `0.0.0.0:<its upstream's port>`
 * (a consumer keeps its port, on Toxiproxy's host). Here the upstreams run on this host, on those very ports,
 * so each `listen` is moved to a free loopback port; names, upstreams and `enabled` are the file's own.
 */
import assert from 'node:assert/strict';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import * as pulumi from '@pulumi/pulumi';
import { createFaultController, parseDeclaration, toxiproxyApi, type FaultController, type ToxiproxyProxy } from '@lab/service/fault-controller';
import { faultLinks, type FaultSettings } from '@lab/service/failure-lab';
import { freePort, startPostgres, startRedis, startToxiproxy, type RunningToxiproxy, type TestServer, type ToxiproxyConfigEntry } from '@lab/service/testing';
import { faultDeclaration, toxiproxyProxies } from '../src/configs/toxiproxy';
import { renderJson } from '../src/render';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const bulk = (value: string) => `$${value.length}\r\n${value}\r\n`;
const port = (url: string) => Number(new URL(url).port);

let postgres: TestServer;
let redis: TestServer;
/** Stands in for the Collector: a TCP server that answers each chunk with itself. */
let collector: Server;
let toxiproxy: RunningToxiproxy;
let generated: ToxiproxyConfigEntry[];
const logged: string[] = [];
const logger = {
  info: (_details: object, message: string) => void logged.push(`info ${message}`),
  warn: (_details: object, message: string) => void logged.push(`warn ${message}`),
  error: (details: object, message: string) => void logged.push(`error ${message} ${JSON.stringify(details)}`),
};

before(async () => {
  [postgres, redis] = await Promise.all([startPostgres(), startRedis()]);
  collector = createServer((socket) => {
    socket.on('error', () => undefined);
    socket.pipe(socket);
  });
  await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
  const document = toxiproxyProxies({
    postgres: { host: '127.0.0.1', port: port(postgres.url) },
    redis: { host: '127.0.0.1', port: port(redis.url) },
    collector: { host: '127.0.0.1', port: (collector.address() as { port: number }).port },
  });
  // Rendered as the program's ConfigFile renders it.
  const content = await new Promise<string>((resolve) => pulumi.output(document).apply((value) => resolve(renderJson(value))));
  generated = JSON.parse(content) as ToxiproxyConfigEntry[];
  const moved: ToxiproxyConfigEntry[] = [];
  for (const entry of generated) moved.push({ ...entry, listen: `127.0.0.1:${await freePort()}` });
  toxiproxy = await startToxiproxy(moved);
});

after(async () => {
  await toxiproxy?.close();
  await new Promise<void>((resolve) => collector?.close(() => resolve()));
  await Promise.all([postgres?.dispose(), redis?.dispose()]);
});

/** A controller that reads the declaration the program generates for `faults`, as main.ts reads its file. */
function controllerFor(faults: () => FaultSettings): FaultController {
  const read = () => {
    const text = renderJson(faultDeclaration(faults()));
    return { declaration: parseDeclaration(JSON.parse(text), 'faults.json'), text };
  };
  return createFaultController({ api: toxiproxyApi(toxiproxy.url), readDeclaration: async () => read(), initial: read(), logger });
}

async function applied(controller: FaultController) {
  assert.equal(await controller.reconcile(), 'success', logged.join('\n'));
}
const listing = () => toxiproxyApi(toxiproxy.url).proxies();

/**
 * ms from connecting through the postgres proxy to Postgres's answer to an SSLRequest (its one-byte `N`
 * here: the server runs without TLS), or the socket error's code.
 */
async function postgresQuery(): Promise<number | string> {
  const sslRequest = Buffer.from([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f]);
  return new Promise((resolve) => {
    const started = performance.now();
    const socket = connect(toxiproxy.port('postgres'), '127.0.0.1', () => socket.write(sslRequest));
    socket.setTimeout(5_000, () => (socket.destroy(), resolve('no answer')));
    socket.once('data', (chunk: Buffer) => {
      socket.destroy();
      resolve(chunk.toString() === 'N' ? performance.now() - started : `unexpected ${chunk.toString('hex')}`);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
    socket.once('end', () => resolve('closed'));
  });
}

/** Sets a key straight on Redis, not through the proxy. */
async function setDirect(key: string, value: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const socket = connect(port(redis.url), '127.0.0.1', () => socket.write(`*3\r\n${bulk('SET')}${bulk(key)}${bulk(value)}`));
    socket.once('data', (chunk: Buffer) => (socket.destroy(), chunk.toString() === '+OK\r\n' ? resolve() : reject(new Error(chunk.toString()))));
    socket.once('error', reject);
  });
}

/** A raw client of the redis proxy: what comes back, in how many reads, and how the connection ended. */
async function redisExchange(command: string, waitMs: number) {
  const socket: Socket = connect(toxiproxy.port('redis'), '127.0.0.1');
  const seen = { bytes: 0, reads: 0, ended: undefined as string | undefined, lastAt: 0 };
  socket.on('data', (chunk: Buffer) => {
    seen.bytes += chunk.length;
    seen.reads++;
    seen.lastAt = performance.now();
  });
  socket.on('error', (error: NodeJS.ErrnoException) => (seen.ended ??= error.code ?? 'error'));
  socket.on('end', () => (seen.ended ??= 'fin'));
  const connected = await new Promise<boolean>((resolve) => socket.once('connect', () => resolve(true)).once('error', () => resolve(false)));
  const started = performance.now();
  if (connected) socket.write(command);
  await sleep(waitMs);
  socket.destroy();
  return { connected, ...seen, tookMs: seen.lastAt > 0 ? seen.lastAt - started : undefined };
}

describe('the fault controller on the real Toxiproxy started from the generated -config file', () => {
  it('the file lists every link, enabled, with its upstream; Toxiproxy starts with exactly those proxies and no toxic', async () => {
    assert.deepEqual(generated.map((entry) => entry.name), [...faultLinks]);
    assert.ok(generated.every((entry) => entry.enabled && entry.listen === `0.0.0.0:${entry.upstream.split(':')[1]}`));
    const proxies = await listing();
    assert.deepEqual(Object.keys(proxies).sort(), [...faultLinks].sort());
    for (const entry of generated) {
      assert.equal(proxies[entry.name]!.upstream, entry.upstream);
      assert.equal(proxies[entry.name]!.enabled, true);
      assert.deepEqual(proxies[entry.name]!.toxics, []);
    }
    assert.equal(typeof (await postgresQuery()), 'number');
  });

  it('latency with jitter slows each Postgres answer; declared away, the toxic is removed and answers are fast again', async () => {
    let faults: FaultSettings = { postgres: { latencyMs: 400, jitterMs: 50 } };
    const controller = controllerFor(() => faults);
    await applied(controller);
    assert.deepEqual((await listing()).postgres!.toxics.map((toxic) => [toxic.type, toxic.attributes]), [['latency', { latency: 400, jitter: 50 }]]);
    const slow = await postgresQuery();
    assert.ok(typeof slow === 'number' && slow >= 340, `Postgres's answer through 400±50 ms: ${slow}`);

    faults = {};
    await applied(controller);
    assert.deepEqual((await listing()).postgres!.toxics, []);
    const fast = await postgresQuery();
    assert.ok(typeof fast === 'number' && fast < 200, `without the toxic: ${fast}`);
  });

  it('bandwidth caps what Redis sends back', async () => {
    await setDirect('big', 'v'.repeat(100_000));
    let faults: FaultSettings = { redis: { bandwidthKBps: 40 } };
    const controller = controllerFor(() => faults);
    await applied(controller);
    const capped = await redisExchange(`*2\r\n${bulk('GET')}${bulk('big')}`, 4_500);
    assert.ok(capped.bytes > 100_000, `the whole value came back: ${capped.bytes} bytes`);
    // 100 KB at 40 KB/s: 2.5 s.
    assert.ok(capped.tookMs! >= 2_000, `at 40 KB/s it took ${capped.tookMs?.toFixed(0)} ms`);
    faults = {};
    await applied(controller);
    const free = await redisExchange(`*2\r\n${bulk('GET')}${bulk('big')}`, 500);
    assert.ok(free.tookMs! < 300, `uncapped: ${free.tookMs?.toFixed(0)} ms`);
  });

  it('slicer hands the answer back in small pieces, one by one', async () => {
    await setDirect('sliced', 's'.repeat(2_000));
    let faults: FaultSettings = { redis: { slicer: { averageBytes: 100, variationBytes: 10, delayUs: 10_000 } } };
    const controller = controllerFor(() => faults);
    await applied(controller);
    const sliced = await redisExchange(`*2\r\n${bulk('GET')}${bulk('sliced')}`, 1_000);
    assert.ok(sliced.bytes > 2_000);
    assert.ok(sliced.reads >= 10, `${sliced.reads} reads for 2 KB in ~100-byte slices 10 ms apart`);
    assert.ok(sliced.tookMs! >= 150, `${sliced.tookMs?.toFixed(0)} ms`);
    faults = {};
    await applied(controller);
  });

  it('timeout: Redis never answers, the connection closes after timeoutMs without data', async () => {
    let faults: FaultSettings = { redis: { timeoutMs: 500 } };
    const controller = controllerFor(() => faults);
    await applied(controller);
    const silent = await redisExchange('*1\r\n$4\r\nPING\r\n', 1_200);
    assert.equal(silent.bytes, 0, 'no answer');
    assert.equal(silent.ended, 'fin', 'closed once 500 ms passed without data');
    faults = {};
    await applied(controller);
    const answered = await redisExchange('*1\r\n$4\r\nPING\r\n', 200);
    assert.equal(answered.bytes, '+PONG\r\n'.length);
  });

  it('reset_peer: a new Postgres connection is reset; down: refused; both switched back', async () => {
    let faults: FaultSettings = { postgres: { resetPeerMs: 0 }, redis: { down: true } };
    const controller = controllerFor(() => faults);
    await applied(controller);
    assert.equal(await postgresQuery(), 'ECONNRESET');
    const refused = await redisExchange('*1\r\n$4\r\nPING\r\n', 100);
    assert.equal(refused.connected, false);
    assert.equal(refused.ended, 'ECONNREFUSED');
    faults = {};
    await applied(controller);
    assert.equal(typeof (await postgresQuery()), 'number');
    assert.equal((await redisExchange('*1\r\n$4\r\nPING\r\n', 200)).bytes, '+PONG\r\n'.length);
  });

  it('toxicity: about that share of connections gets the toxic', async () => {
    let faults: FaultSettings = { postgres: { latencyMs: 300, toxicity: 0.5 } };
    const controller = controllerFor(() => faults);
    await applied(controller);
    assert.equal((await listing()).postgres!.toxics[0]!.toxicity, 0.5);
    const times: number[] = [];
    for (let i = 0; i < 16; i++) times.push((await postgresQuery()) as number);
    const slowed = times.filter((ms) => ms >= 300).length;
    // Each connection rolls once per toxic (toxics/toxic.go Run): 16 rolls at 0.5 land outside 2..14 with p < 0.001.
    assert.ok(slowed >= 2 && slowed <= 14, `${slowed} of 16 connections slowed: ${times.map((ms) => ms.toFixed(0)).join(', ')}`);
    faults = {};
    await applied(controller);
  });

  it('a restarted Toxiproxy comes back from its -config file with no fault, and the next round puts the faults back', async () => {
    const faults: FaultSettings = { postgres: { latencyMs: 400 }, collector: { down: true } };
    const controller = controllerFor(() => faults);
    await applied(controller);
    await toxiproxy.stop();
    assert.equal(await controller.reconcile(), 'error', 'Toxiproxy gone');
    await toxiproxy.start();
    const restarted: Record<string, ToxiproxyProxy> = await listing();
    assert.ok(Object.values(restarted).every((proxy) => proxy.enabled && proxy.toxics.length === 0), 'restarted with every proxy enabled, no toxic');
    const fast = await postgresQuery();
    assert.ok(typeof fast === 'number' && fast < 200, `no latency after the restart: ${fast}`);
    await applied(controller);
    const slow = await postgresQuery();
    assert.ok(typeof slow === 'number' && slow >= 390, `latency back after the reconcile: ${slow}`);
    assert.equal((await listing()).collector!.enabled, false);
    const metrics = controller.metrics();
    assert.match(metrics, /^lab_fault_toxiproxy_up 1$/m);
    assert.match(metrics, /^lab_fault_reconciles_total\{outcome="error"\} 1$/m);
  });
});
