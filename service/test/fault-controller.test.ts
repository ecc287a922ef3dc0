import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { createFaultController } from '../src/fault-controller/controller';
import type { FaultDeclaration } from '../src/fault-controller/declaration';
import { faultControllerEnvironment } from '../src/fault-controller/environment';
import { toxiproxyApi, type ToxiproxyApi } from '../src/fault-controller/toxiproxy-api';
import { freePort, startPostgres, startRedis } from './support/servers';
import { jsonRequest, runMigrationsProcess, serviceRoot, startService } from './support/service-process';
import { hostPort, loopbackProxies, startToxiproxy, type RunningToxiproxy } from './support/toxiproxy';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const silent = pino({ level: 'silent' });

/** A TCP echo server: what a proxied dependency answers, so a test can time a round trip through a fault. */
let echo: Server;
let echoAddress: string;
before(async () => {
  echo = createServer((socket) => {
    // reset_peer resets Toxiproxy's connection to its upstream too.
    socket.on('error', () => undefined);
    socket.pipe(socket);
  });
  await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
  echoAddress = `127.0.0.1:${(echo.address() as { port: number }).port}`;
});
after(() => new Promise<void>((resolve) => echo.close(() => resolve())));

/** The real Toxiproxy with the lab's three proxies in its -config file, each in front of the echo server. */
const startEchoToxiproxy = async (options?: { started?: boolean }) =>
  startToxiproxy(await loopbackProxies({ postgres: echoAddress, redis: echoAddress, collector: echoAddress }), options);

/** The controller's client, recording each call it makes (method and path, as Toxiproxy's routes name them). */
function recordingApi(url: string, signal?: AbortSignal): ToxiproxyApi & { readonly calls: string[] } {
  const api = toxiproxyApi(url, signal);
  const calls: string[] = [];
  return {
    calls,
    proxies: () => (calls.push('GET /proxies'), api.proxies()),
    setEnabled: (proxy, enabled) => (calls.push(`PATCH /proxies/${proxy}`), api.setEnabled(proxy, enabled)),
    addToxic: (proxy, toxic) => (calls.push(`POST /proxies/${proxy}/toxics`), api.addToxic(proxy, toxic)),
    updateToxic: (proxy, name, change) => (calls.push(`PATCH /proxies/${proxy}/toxics/${name}`), api.updateToxic(proxy, name, change)),
    removeToxic: (proxy, name) => (calls.push(`DELETE /proxies/${proxy}/toxics/${name}`), api.removeToxic(proxy, name)),
  };
}

/** ms for one echo round trip through the port, or the socket error's code. */
async function roundTrip(port: number): Promise<number | string> {
  return new Promise((resolve) => {
    const started = performance.now();
    const socket = connect(port, '127.0.0.1', () => socket.write('ping'));
    socket.once('data', () => (socket.destroy(), resolve(performance.now() - started)));
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
    socket.once('close', () => resolve('closed'));
  });
}

const declaration: FaultDeclaration = {
  proxies: [
    { name: 'postgres', enabled: true, toxics: [{ name: 'latency', type: 'latency', stream: 'downstream', toxicity: 1, attributes: { latency: 300, jitter: 20 } }] },
    { name: 'redis', enabled: false, toxics: [] },
    { name: 'collector', enabled: true, toxics: [] },
  ],
  flags: [{ key: 'http-error-rate', value: 0.25, routes: ['/api/items/:id'] }, { key: 'cache-bypass', value: true }],
};
const initial = { declaration, text: JSON.stringify(declaration) };

function metricLines(text: string): string[] {
  return text.split('\n').filter((line) => line && !line.startsWith('#'));
}
const sample = (text: string, series: string) => metricLines(text).find((line) => line.startsWith(`${series} `))?.split(' ')[1];

describe('the fault controller against the real Toxiproxy', () => {
  let toxiproxy: RunningToxiproxy;
  before(async () => {
    toxiproxy = await startEchoToxiproxy();
  });
  after(() => toxiproxy.close());

  it('applies the declaration, then makes no call but the listing while nothing changes, and reports the faults', async () => {
    let clock = 1_700_000_000_000;
    const api = recordingApi(toxiproxy.url);
    const controller = createFaultController({ api, readDeclaration: async () => initial, initial, logger: silent, now: () => clock });
    assert.equal(await controller.reconcile(), 'success');
    const proxies = await toxiproxyApi(toxiproxy.url).proxies();
    assert.deepEqual(proxies.postgres!.toxics, [{ attributes: { latency: 300, jitter: 20 }, name: 'latency', type: 'latency', stream: 'downstream', toxicity: 1 }]);
    assert.equal(proxies.redis!.enabled, false);
    assert.equal(proxies.collector!.enabled, true);

    const before = api.calls.length;
    clock += 5_000;
    assert.equal(await controller.reconcile(), 'success');
    assert.deepEqual(api.calls.slice(before), ['GET /proxies']);

    const text = controller.metrics();
    assert.deepEqual(metricLines(text).filter((line) => line.startsWith('lab_fault_active')), [
      'lab_fault_active{link="postgres",fault="latency"} 1',
      'lab_fault_active{link="redis",fault="down"} 1',
      'lab_fault_active{link="app",fault="http-error-rate"} 1',
      'lab_fault_active{link="app",fault="cache-bypass"} 1',
    ]);
    assert.equal(sample(text, 'lab_fault_setting{link="postgres",fault="latency",setting="latency"}'), '300');
    assert.equal(sample(text, 'lab_fault_setting{link="postgres",fault="latency",setting="toxicity"}'), '1');
    assert.equal(sample(text, 'lab_fault_setting{link="app",fault="http-error-rate",setting="value"}'), '0.25');
    assert.equal(sample(text, 'lab_fault_setting{link="app",fault="cache-bypass",setting="value"}'), '1');
    // First applied in the first round; the second round does not move it (Grafana draws one annotation).
    assert.equal(sample(text, 'lab_faults_applied_timestamp_seconds'), '1700000000');
    assert.equal(sample(text, 'lab_fault_last_success_timestamp_seconds'), '1700000005');
    assert.equal(sample(text, 'lab_fault_reconciles_total{outcome="success"}'), '2');
    assert.equal(sample(text, 'lab_fault_changes_total{link="postgres",action="add_toxic"}'), '1');
    assert.equal(sample(text, 'lab_fault_changes_total{link="redis",action="disable"}'), '1');
    assert.equal(sample(text, 'lab_fault_toxiproxy_up'), '1');
  });

  it('puts the faults back on a restarted Toxiproxy, and survives its API being gone meanwhile', async () => {
    let clock = 1_700_000_000_000;
    const controller = createFaultController({ api: toxiproxyApi(toxiproxy.url), readDeclaration: async () => initial, initial, logger: silent, now: () => clock });
    assert.equal(await controller.reconcile(), 'success');
    await toxiproxy.stop();
    clock += 1_000;
    assert.equal(await controller.reconcile(), 'error');
    assert.equal(sample(controller.metrics(), 'lab_fault_toxiproxy_up'), '0');
    assert.equal(sample(controller.metrics(), 'lab_fault_reconciles_total{outcome="error"}'), '1');

    await toxiproxy.start();
    assert.deepEqual((await toxiproxyApi(toxiproxy.url).proxies()).postgres!.toxics, [], 'a restarted Toxiproxy starts without toxics');
    assert.equal(typeof (await roundTrip(toxiproxy.port('redis'))), 'number', 'and with every proxy enabled');
    clock += 1_000;
    assert.equal(await controller.reconcile(), 'success');
    const proxies = await toxiproxyApi(toxiproxy.url).proxies();
    assert.equal(proxies.postgres!.toxics[0]?.attributes.latency, 300);
    assert.equal(proxies.redis!.enabled, false);
    assert.equal(await roundTrip(toxiproxy.port('redis')), 'ECONNREFUSED', 'the restarted proxy is down again');
    const slow = await roundTrip(toxiproxy.port('postgres'));
    assert.ok(typeof slow === 'number' && slow >= 270, `and slow again: ${slow}`);
    const text = controller.metrics();
    assert.equal(sample(text, 'lab_fault_toxiproxy_up'), '1');
    assert.equal(sample(text, 'lab_faults_applied_timestamp_seconds'), '1700000000', 'the same declaration: no new annotation');
  });

  it('does not call a round cut short by shutdown an outage: no log line, no error count, Toxiproxy still up', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
    const stopping = new AbortController();
    const controller = createFaultController({ api: toxiproxyApi(toxiproxy.url, stopping.signal), readDeclaration: async () => initial, initial, logger, stopping: stopping.signal });
    assert.equal(await controller.reconcile(), 'success');
    const round = controller.reconcile();
    stopping.abort();
    assert.equal(await round, 'interrupted');
    const text = controller.metrics();
    assert.equal(sample(text, 'lab_fault_toxiproxy_up'), '1');
    assert.equal(sample(text, 'lab_fault_reconciles_total{outcome="error"}'), '0');
    assert.ok(!lines.some((line) => line.includes('toxiproxy unreachable')), lines.join(''));
  });

  it('makes the declared fault real on the connection, and clears it when the declaration does', async () => {
    const healthy: FaultDeclaration = { proxies: declaration.proxies.map((proxy) => ({ ...proxy, enabled: true, toxics: [] })), flags: [] };
    let current = initial;
    let clock = 1_700_000_000_000;
    const controller = createFaultController({ api: toxiproxyApi(toxiproxy.url), readDeclaration: async () => current, initial, logger: silent, now: () => clock });
    assert.equal(await controller.reconcile(), 'success');
    const slow = await roundTrip(toxiproxy.port('postgres'));
    assert.ok(typeof slow === 'number' && slow >= 270, `round trip through 300±20 ms of latency: ${slow}`);
    assert.equal(await roundTrip(toxiproxy.port('redis')), 'ECONNREFUSED');

    current = { declaration: healthy, text: JSON.stringify(healthy) };
    clock += 60_000;
    assert.equal(await controller.reconcile(), 'success');
    const fast = await roundTrip(toxiproxy.port('postgres'));
    assert.ok(typeof fast === 'number' && fast < 100, `round trip without the fault: ${fast}`);
    assert.equal(typeof (await roundTrip(toxiproxy.port('redis'))), 'number');
    const text = controller.metrics();
    assert.equal(metricLines(text).filter((line) => line.startsWith('lab_fault_active')).length, 0, 'no fault, no lab_fault_active series');
    assert.equal(sample(text, 'lab_faults_applied_timestamp_seconds'), '1700000060', 'a new declaration is a new annotation');
  });

  /** The declaration with only postgres's toxics replaced, every other proxy enabled and clean. */
  const postgresWith = (toxics: FaultDeclaration['proxies'][number]['toxics']): { declaration: FaultDeclaration; text: string } => {
    const value: FaultDeclaration = { proxies: declaration.proxies.map((proxy) => ({ ...proxy, enabled: true, toxics: proxy.name === 'postgres' ? toxics : [] })), flags: [] };
    return { declaration: value, text: JSON.stringify(value) };
  };
  const resetPeer = (timeout: number) => ({ name: 'reset_peer_downstream', type: 'reset_peer' as const, stream: 'downstream' as const, toxicity: 1, attributes: { timeout } });
  const latency = { name: 'latency_downstream', type: 'latency' as const, stream: 'downstream' as const, toxicity: 1, attributes: { latency: 50, jitter: 0 } };

  /**
   * Rounds as main.ts runs them (a pause between two) until one succeeds, while a client's data through a
   * reset_peer toxic keeps Toxiproxy's toxic lock (toxic_collection.go) for the countdown; what the metrics
   * said meanwhile, and the log.
   */
  async function changeDuringCountdown(countdownMs: number, api: ToxiproxyApi) {
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
    let current = postgresWith([resetPeer(countdownMs)]);
    const controller = createFaultController({ api, readDeclaration: async () => current, initial: current, logger });
    assert.equal(await controller.reconcile(), 'success');
    const client = connect(toxiproxy.port('postgres'), '127.0.0.1');
    client.on('error', () => undefined);
    await new Promise((resolve) => client.once('connect', resolve));
    client.write('the countdown starts with data');
    await sleep(100);
    current = postgresWith([latency]);
    const up = new Set<string | undefined>();
    const watch = setInterval(() => up.add(sample(controller.metrics(), 'lab_fault_toxiproxy_up')), 50);
    const started = performance.now();
    const outcomes: string[] = [];
    try {
      while (outcomes.at(-1) !== 'success' && performance.now() - started < countdownMs + 15_000) {
        outcomes.push(await controller.reconcile());
        await sleep(500);
      }
    } finally {
      clearInterval(watch);
      client.destroy();
    }
    return { controller, lines, up, outcomes, tookMs: performance.now() - started };
  }

  it('waits out a reset_peer countdown that holds the API instead of calling Toxiproxy unreachable, then has the change applied', async () => {
    // Longer than the client's old 3 s timeout on a change and on the GET /proxies after it.
    const seen = await changeDuringCountdown(12_000, toxiproxyApi(toxiproxy.url));
    assert.equal(seen.outcomes.at(-1), 'success', `outcomes ${seen.outcomes.join(', ')}; log ${seen.lines.join('')}`);
    assert.deepEqual([...seen.up], ['1'], 'lab_fault_toxiproxy_up stayed 1: Toxiproxy was busy, not gone');
    assert.ok(!seen.lines.some((line) => line.includes('toxiproxy unreachable')), seen.lines.join(''));
    assert.ok(seen.tookMs >= 11_000, `the change was applied when the countdown ended: ${seen.tookMs.toFixed(0)} ms`);
    assert.deepEqual((await toxiproxyApi(toxiproxy.url).proxies()).postgres!.toxics.map((toxic) => toxic.type), ['latency']);
  });

  it('past its own timeouts too: the unanswered change is awaited no longer than the countdown can last; a hung Toxiproxy with nothing pending is unreachable', async () => {
    const api = toxiproxyApi(toxiproxy.url, undefined, { listMs: 500, changeMs: 1_000 });
    const seen = await changeDuringCountdown(4_000, api);
    assert.equal(seen.outcomes.at(-1), 'success', `outcomes ${seen.outcomes.join(', ')}; log ${seen.lines.join('')}`);
    assert.ok(seen.outcomes.length >= 3, `rounds ended while the countdown ran: ${seen.outcomes.join(', ')}`);
    assert.deepEqual([...seen.up], ['1']);
    const messages = seen.lines.map((line) => (JSON.parse(line) as { msg: string }).msg);
    assert.ok(messages.includes('toxiproxy still applying a change after a reset_peer countdown; checking next round'), messages.join('\n'));
    assert.ok(messages.includes('toxiproxy busy applying a change it was sent (a reset_peer countdown holds its API); waiting for it'), messages.join('\n'));
    assert.ok(!messages.includes('toxiproxy unreachable; retrying every round'), messages.join('\n'));
    assert.deepEqual((await toxiproxyApi(toxiproxy.url).proxies()).postgres!.toxics.map((toxic) => toxic.type), ['latency']);

    toxiproxy.freeze();
    try {
      assert.equal(await seen.controller.reconcile(), 'error');
      assert.equal(sample(seen.controller.metrics(), 'lab_fault_toxiproxy_up'), '0', 'no change pending: a listing without answer is Toxiproxy gone');
    } finally {
      toxiproxy.thaw();
    }
  });

  it('keeps going when Toxiproxy refuses one change, and counts the round as an error', async () => {
    const unknownProxy: FaultDeclaration = { proxies: [...declaration.proxies, { name: 'kafka', enabled: true, toxics: [] }], flags: [] };
    const input = { declaration: unknownProxy, text: JSON.stringify(unknownProxy) };
    const controller = createFaultController({ api: toxiproxyApi(toxiproxy.url), readDeclaration: async () => input, initial: input, logger: silent });
    await toxiproxyApi(toxiproxy.url).setEnabled('redis', true);
    assert.equal(await controller.reconcile(), 'error');
    assert.equal((await toxiproxyApi(toxiproxy.url).proxies()).redis!.enabled, false, 'the other proxies were still reconciled');
    assert.equal(sample(controller.metrics(), 'lab_faults_applied_timestamp_seconds'), undefined, 'never fully applied: no timestamp');
  });
});

describe("the real Toxiproxy's API, as the controller's client and planner rely on it", () => {
  let toxiproxy: RunningToxiproxy;
  before(async () => {
    toxiproxy = await startEchoToxiproxy();
  });
  after(() => toxiproxy.close());
  const call = (method: string, path: string, body?: unknown) =>
    fetch(`${toxiproxy.url}${path}`, { method, body: body === undefined ? undefined : JSON.stringify(body) }).then(async (response) => ({ status: response.status, text: await response.text() }));

  it('answers as api.go and toxic_collection.go read at v2.12.0', async () => {
    const created = await call('POST', '/proxies/redis/toxics', { type: 'latency', attributes: { latency: 5, bogus: 1 } });
    assert.equal(created.status, 200, 'ToxicCreate never sets 201');
    assert.deepEqual(JSON.parse(created.text), { attributes: { latency: 5, jitter: 0 }, name: 'latency_downstream', type: 'latency', stream: 'downstream', toxicity: 1 });
    assert.deepEqual(await call('POST', '/proxies/redis/toxics', { name: 'latency_downstream', type: 'timeout', stream: 'upstream' }), { status: 409, text: '{"error":"toxic already exists","status":409}\n' });
    assert.equal((await call('POST', '/proxies/redis/toxics', { type: 'latency', name: 'x', attributes: { latency: 1.5 } })).status, 400);
    assert.deepEqual(await call('POST', '/proxies/redis/toxics', { type: 'gremlin' }), { status: 400, text: '{"error":"invalid toxic type","status":400}\n' });
    const updated = await call('PATCH', '/proxies/redis/toxics/latency_downstream', { attributes: { jitter: 2 } });
    assert.deepEqual(JSON.parse(updated.text).attributes, { latency: 5, jitter: 2 }, 'an update keeps what it is not given');
    assert.equal(JSON.parse((await call('PATCH', '/proxies/redis/toxics/latency_downstream', { toxicity: 0.3 })).text).toxicity, 0.3);
    assert.equal((await call('DELETE', '/proxies/redis/toxics/latency_downstream')).status, 204);
    assert.deepEqual(await call('DELETE', '/proxies/redis/toxics/latency_downstream'), { status: 404, text: '{"error":"toxic not found","status":404}\n' });
    assert.deepEqual(await call('GET', '/proxies/kafka'), { status: 404, text: '{"error":"proxy not found","status":404}\n' });
    assert.deepEqual(await call('PUT', '/proxies/redis'), { status: 405, text: '' });
    assert.equal((await fetch(`${toxiproxy.url}/proxies`, { headers: { 'user-agent': 'Mozilla/5.0' } })).status, 403);
  });
});

describe('the fault controller process', () => {
  const main = path.join(serviceRoot, 'dist', 'fault-controller', 'main.js');
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'fault-controller-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  function run(environment: Record<string, string>) {
    const { NODE_OPTIONS: _ignored, ...inherited } = process.env;
    const child = spawn(process.execPath, [main], { cwd: serviceRoot, env: { ...inherited, ...environment }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    return { child, exited, output: () => ({ stdout, stderr }) };
  }
  const envFrom = (entries: string[]) => Object.fromEntries(entries.map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)]));

  it('stops at start-up with the variable or the declaration field that is wrong', async () => {
    const noUrl = run({ FAULTS_FILE: path.join(dir, 'none.json'), METRICS_PORT: 'x' });
    assert.equal(await noUrl.exited, 1);
    assert.match(noUrl.output().stderr, /TOXIPROXY_URL: is required/);
    assert.match(noUrl.output().stderr, /METRICS_PORT: /);

    const file = path.join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ proxies: [{ name: 'postgres', enabled: true, toxics: [{ name: 'l', type: 'latency', stream: 'down', toxicity: 1, attributes: {} }] }], flags: [] }));
    const badFile = run({ TOXIPROXY_URL: 'http://127.0.0.1:9', FAULTS_FILE: file });
    assert.equal(await badFile.exited, 1);
    assert.match(badFile.output().stderr, /proxies\.0\.toxics\.0\.stream/);
  });

  it('waits out an absent Toxiproxy, applies the faults when it appears, serves /metrics, logs JSON, and exits 0 on SIGTERM', async () => {
    const toxiproxy = await startEchoToxiproxy({ started: false });
    const file = path.join(dir, 'faults.json');
    writeFileSync(file, JSON.stringify(declaration));
    const metricsPort = await freePort();
    // The environment exactly as the Pulumi program builds it.
    const controller = run({ ...envFrom(faultControllerEnvironment({ toxiproxyUrl: toxiproxy.url, faultsFile: file, metricsPort, reconcileIntervalMs: 200 })), LOG_LEVEL: 'info' });
    const metrics = () => fetch(`http://127.0.0.1:${metricsPort}/metrics`).then((response) => response.text(), () => '');
    try {
      let text = '';
      for (let i = 0; i < 50 && sample(text, 'lab_fault_reconciles_total{outcome="error"}') === undefined; i++) {
        await sleep(100);
        text = await metrics();
      }
      assert.equal(sample(text, 'lab_fault_toxiproxy_up'), '0', 'still running, and saying Toxiproxy is unreachable');
      assert.equal((await fetch(`http://127.0.0.1:${metricsPort}/health/live`)).status, 200);

      await toxiproxy.start();
      for (let i = 0; i < 50 && sample(text, 'lab_faults_applied_timestamp_seconds') === undefined; i++) {
        await sleep(100);
        text = await metrics();
      }
      assert.ok(Number(sample(text, 'lab_faults_applied_timestamp_seconds')) > Date.now() / 1000 - 30);
      assert.equal((await toxiproxyApi(toxiproxy.url).proxies()).redis!.enabled, false);

      const signalled = performance.now();
      controller.child.kill('SIGTERM');
      assert.equal(await controller.exited, 0, controller.output().stderr);
      assert.ok(performance.now() - signalled < 2_000, 'exits promptly');
      const lines = controller.output().stdout.split('\n').filter(Boolean);
      for (const line of lines) assert.doesNotThrow(() => JSON.parse(line), `not a JSON line: ${line}`);
      const messages = lines.map((line) => JSON.parse(line) as { msg: string; service: string });
      assert.ok(messages.every((line) => line.service === 'fault-controller'));
      assert.equal(messages.filter((line) => line.msg === 'toxiproxy unreachable; retrying every round').length, 1, 'one line per outage, not one per round');
      for (const expected of ['toxiproxy reachable', 'fault declaration applied', 'stopped']) assert.ok(messages.some((line) => line.msg === expected), expected);
    } finally {
      controller.child.kill('SIGKILL');
      await toxiproxy.close();
    }
  });

  it('switches a fault on the real path at run time: the service behind the real Toxiproxy loses Redis when the file says so, and gets it back when the file changes', async () => {
    const [postgres, redis] = await Promise.all([startPostgres(), startRedis()]);
    const toxiproxy = await startToxiproxy(await loopbackProxies({ postgres: hostPort(postgres.url), redis: hostPort(redis.url), collector: echoAddress }));
    const migration = await runMigrationsProcess(postgres.url);
    assert.equal(migration.code, 0, migration.output);
    const service = await startService({ databaseUrl: toxiproxy.urlFor('postgres', postgres.url), redisUrl: toxiproxy.urlFor('redis', redis.url) });
    let controller: ReturnType<typeof run> | undefined;
    try {
      const file = path.join(dir, 'live.json');
      const healthy: FaultDeclaration = { proxies: ['postgres', 'redis', 'collector'].map((name) => ({ name, enabled: true, toxics: [] })), flags: [] };
      const cacheOutage: FaultDeclaration = { ...healthy, proxies: healthy.proxies.map((proxy) => (proxy.name === 'redis' ? { ...proxy, enabled: false } : proxy)) };
      writeFileSync(file, JSON.stringify(cacheOutage));
      const cacheCheck = async () => ((await (await service.fetch('/health/ready')).json()) as { checks: { cache: string } }).checks.cache;
      const waitFor = async (what: string, check: () => Promise<boolean>) => {
        const deadline = Date.now() + 15_000;
        while (!(await check())) {
          if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
          await sleep(100);
        }
      };
      const created = await service.fetch('/api/items', jsonRequest('POST', { name: 'through-toxiproxy', priceCents: 1, stock: 1 }));
      assert.equal(created.status, 201);
      const { id } = (await created.json()) as { id: number };
      await waitFor('the service has its cache', async () => (await cacheCheck()) === 'ok');
      const metricsPort = await freePort();
      controller = run(envFrom(faultControllerEnvironment({ toxiproxyUrl: toxiproxy.url, faultsFile: file, metricsPort, reconcileIntervalMs: 200 })));
      const metrics = () => fetch(`http://127.0.0.1:${metricsPort}/metrics`).then((response) => response.text(), () => '');
      await waitFor('the controller applied the cache outage', async () => sample(await metrics(), 'lab_faults_applied_timestamp_seconds') !== undefined);
      await waitFor('the cache is reported degraded', async () => (await cacheCheck()) === 'degraded');
      assert.equal((await service.fetch(`/api/items/${id}`)).status, 200, 'reads go on from Postgres');

      writeFileSync(file, JSON.stringify(healthy));
      await waitFor('the cache is back', async () => (await cacheCheck()) === 'ok');
      const text = await metrics();
      assert.equal(metricLines(text).filter((line) => line.startsWith('lab_fault_active')).length, 0);
      assert.equal(sample(text, 'lab_fault_changes_total{link="redis",action="enable"}'), '1');
      controller.child.kill('SIGTERM');
      assert.equal(await controller.exited, 0);
    } catch (error) {
      throw new Error(`${(error as Error).message}; controller: ${JSON.stringify(controller?.output())}`, { cause: error });
    } finally {
      controller?.child.kill('SIGKILL');
      await service.stop();
      await toxiproxy.close();
      await Promise.all([postgres.dispose(), redis.dispose()]);
    }
  });
});
