import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { k6Invocation } from '../src/index.ts';
import { k6SourceDir } from '../src/scripts.ts';
import { smokeOptions } from '../k6/scenarios/smoke.options.ts';
import { runScenarioFunction } from './support/k6-shim.ts';

/**
 * The smoke's setup() waits for the service to answer ready through the router, with the router's Host
 * header, before the scenario starts. A stand-in edge here plays Traefik's first seconds: 404 until the
 * route is loaded, 503 until a replica is seen up, then 200.
 */
let answers: number[] = [];
const seen: Array<{ host: string | undefined; path: string | undefined }> = [];
let server: Server;
let baseUrl = '';

before(async () => {
  server = createServer((req, res) => {
    seen.push({ host: req.headers.host, path: req.url });
    if (req.headers.host !== 'shop.localhost') return void res.writeHead(404).end('404 page not found');
    const status = answers.length > 1 ? answers.shift()! : (answers[0] ?? 200);
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ status: status === 200 ? 'ok' : 'unavailable' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address !== 'object') throw new Error('no address');
  baseUrl = `http://127.0.0.1:${address.port}`;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

const env = (params: Record<string, string>, host = 'shop.localhost') =>
  k6Invocation({
    scenario: 'smoke',
    targetUrl: baseUrl,
    hostHeader: host,
    tempoUrl: baseUrl,
    lokiUrl: baseUrl,
    prometheusUrl: baseUrl,
    prometheusRemoteWriteUrl: `${baseUrl}/api/v1/write`,
    params,
  }).env;
const smoke = join(k6SourceDir, 'scenarios', 'smoke.ts');

test('setup() polls /health/ready through the router with its Host header until it answers 200', { timeout: 60_000 }, async () => {
  answers = [404, 503, 503, 200];
  seen.length = 0;
  // The shim, like k6, runs setup() before the function it is asked for (here setup() again: one more 200).
  const run = await runScenarioFunction(smoke, 'setup', env({ READY_TIMEOUT: '20s', READY_POLL: '100ms' }));
  assert.equal(run.thrown, undefined, run.thrown);
  assert.deepEqual(run.requests.map((r) => r.status), [404, 503, 503, 200, 200]);
  assert.ok(seen.every((r) => r.host === 'shop.localhost' && r.path === '/health/ready'));
  // "Not yet" answers are expected ones: they count against no threshold on the service, and record no check.
  assert.ok(run.requests.every((r) => r.expected && r.tags.phase === 'readiness'));
  assert.deepEqual(run.checks, []);
});

test('setup() stops the run, saying what it saw, when the service never gets ready', { timeout: 60_000 }, async () => {
  answers = [503];
  const run = await runScenarioFunction(smoke, 'setup', env({ READY_TIMEOUT: '1s', READY_POLL: '200ms' }));
  assert.match(run.thrown ?? '', /\/health\/ready \(Host: shop\.localhost\) did not answer 200 within 1s \(\d+ attempts, last status 503\)/);
  assert.ok(run.requests.length >= 2, 'it polled more than once');
});

test('the setup timeout leaves room for the whole readiness wait', () => {
  assert.equal(smokeOptions({ READY_TIMEOUT: '90s' }).setupTimeout, '120s');
  assert.equal(smokeOptions({}).setupTimeout, '120s');
  assert.equal(smokeOptions({ READY_TIMEOUT: '5m' }).setupTimeout, '330s');
});
