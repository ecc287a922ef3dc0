import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { OtlpReceiver, type ServiceStack, startServiceStack } from '@lab/service/testing';
import { ensureServiceBuilt } from './support/service-build.ts';
import { k6Invocation, type ScenarioName } from '../src/index.ts';
import { k6SourceDir } from '../src/scripts.ts';
import { runScenarioFunction } from './support/k6-shim.ts';
import { startHostRouter, startTelemetryBackends, type Listening } from './support/fake-backends.ts';
import { routes } from '../k6/lib/routes.ts';

/**
 * The smoke scenario's own logic, run (through a k6 stand-in, see support/k6-shim.ts) against the real service
 * behind a Host-routing proxy, with Tempo/Loki/Prometheus stand-ins that answer from the telemetry the service
 * really exported. Proves: every route is touched with the Host header and succeeds, the traced requests are
 * found in all three signals, and a missing signal fails its own check and is named.
 */
const hidden = new Set<'traces' | 'logs' | 'metrics'>();
let stack: ServiceStack, receiver: OtlpReceiver, router: Listening, backends: Listening;

before(async () => {
  ensureServiceBuilt();
  receiver = await new OtlpReceiver().start();
  stack = await startServiceStack({ otlpEndpoint: receiver.endpoint });
  const { service } = stack;
  router = await startHostRouter('shop.localhost', service.baseUrl);
  backends = await startTelemetryBackends(receiver, 'shop-api', { hide: hidden });
});

after(async () => {
  await stack?.dispose();
  await Promise.all([router?.close(), backends?.close(), receiver?.stop()]);
});

/** The environment k6Invocation gives a scenario here: the Host router as target, the fakes as backends. */
function scenarioEnv(scenario: ScenarioName, params: Record<string, string>): Record<string, string> {
  return k6Invocation({
    scenario,
    targetUrl: router.url,
    hostHeader: 'shop.localhost',
    tempoUrl: backends.url,
    lokiUrl: backends.url,
    prometheusUrl: backends.url,
    prometheusRemoteWriteUrl: `${backends.url}/api/v1/write`,
    params,
  }).env;
}

const smokeScript = () => join(k6SourceDir, 'scenarios', 'smoke.ts');

test('smoke touches every route through the Host router and finds its traces, logs and metrics', { timeout: 120_000 }, async () => {
  hidden.clear();
  const run = await runScenarioFunction(smokeScript(), 'smoke', scenarioEnv('smoke', { SIGNAL_TIMEOUT: '60s', SIGNAL_POLL: '1s' }));
  assert.equal(run.thrown, undefined, run.thrown);
  const toService = run.requests.filter((r) => r.tags.target === 'service');
  assert.ok(toService.every((r) => r.headers.Host === 'shop.localhost'), 'every service request sends the Host header');
  const failed = toService.filter((r) => !r.expected).map((r) => `${r.method} ${r.url} -> ${r.status}`);
  assert.deepEqual(failed, [], 'no request to the service failed');
  const touched = new Set(toService.map((r) => r.tags.route));
  assert.deepEqual([...touched].sort(), Object.values(routes).map((r) => r.route).sort(), 'every route of the contract is touched');
  const failedChecks = run.checks.filter((c) => !c.ok).map((c) => c.name);
  assert.deepEqual(failedChecks, [], 'every check passes');
  for (const signal of ['traces', 'logs', 'metrics']) {
    assert.ok(run.checks.some((c) => c.tags.signal === signal && c.ok), `${signal} found`);
  }
  assert.deepEqual(run.errors, []);
});

test('smoke fails the check of a signal that never arrives, and names it', { timeout: 120_000 }, async () => {
  hidden.clear();
  hidden.add('logs');
  const run = await runScenarioFunction(smokeScript(), 'smoke', scenarioEnv('smoke', { SIGNAL_TIMEOUT: '4s', SIGNAL_POLL: '1s' }));
  hidden.clear();
  assert.equal(run.thrown, undefined, run.thrown);
  const bySignal = (signal: string) => run.checks.filter((c) => c.tags.signal === signal).map((c) => c.ok);
  assert.deepEqual(bySignal('logs'), [false]);
  assert.ok(run.errors.some((e) => /telemetry signal missing: logs/.test(e)), run.errors.join('\n'));
  assert.ok(!run.errors.some((e) => /missing: (traces|metrics)/.test(e)), run.errors.join('\n'));
});

/** One iteration of each other scenario's functions, to prove their runtime code against the real service. */
const iterations: Array<{ scenario: 'load-test' | 'spike' | 'soak' | 'failure-mix' | 'retry-storm'; fn: string; params: Record<string, string> }> = [
  { scenario: 'load-test', fn: 'mixed', params: { POOL_SIZE: '3' } },
  { scenario: 'spike', fn: 'mixed', params: { POOL_SIZE: '3' } },
  { scenario: 'soak', fn: 'mixed', params: { POOL_SIZE: '3' } },
  { scenario: 'failure-mix', fn: 'latency', params: { LATENCY_MS: '5', LATENCY_JITTER_MS: '0' } },
  { scenario: 'failure-mix', fn: 'errors', params: { ERROR_RATE: '1' } },
  { scenario: 'failure-mix', fn: 'heavyTasks', params: {} },
  { scenario: 'failure-mix', fn: 'slowQueries', params: { SLOW_QUERY_MS: '5' } },
  { scenario: 'retry-storm', fn: 'immediateRetries', params: { ERROR_RATE: '1', MAX_RETRIES: '3' } },
  { scenario: 'retry-storm', fn: 'backoffRetries', params: { ERROR_RATE: '1', MAX_RETRIES: '2', BACKOFF_BASE_MS: '10' } },
];

for (const { scenario, fn, params } of iterations) {
  test(`${scenario}: ${fn}() runs against the service with the Host header and its expected statuses`, { timeout: 60_000 }, async () => {
    const env = scenarioEnv(scenario, params);
    const run = await runScenarioFunction(join(k6SourceDir, 'scenarios', `${scenario}.ts`), fn, env);
    assert.equal(run.thrown, undefined, run.thrown);
    assert.ok(run.requests.length > 0);
    for (const r of run.requests) {
      assert.equal(r.headers.Host, 'shop.localhost');
      assert.ok(r.expected, `${r.method} ${r.url} -> ${r.status} was not expected`);
      assert.ok(r.tags.route, `${r.url} has no route tag`);
    }
    assert.deepEqual(run.checks.filter((c) => !c.ok).map((c) => c.name), []);
    if (scenario === 'retry-storm') {
      // Every attempt fails at ERROR_RATE=1: attempts = 1 + MAX_RETRIES, one logical request, no success.
      const attempts = run.metrics.filter((m) => m.name === 'retry_attempts').length;
      assert.equal(attempts, 1 + Number(params.MAX_RETRIES));
      assert.deepEqual(run.metrics.filter((m) => m.name === 'logical_success').map((m) => m.value), [0]);
    }
  });
}
