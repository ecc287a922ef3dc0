import { test } from 'node:test';
import assert from 'node:assert/strict';
import { k6Invocation, k6ScriptDir, k6Scripts, scenarioNames, scenarioParams, k6Image, type K6InvocationArgs } from '../src/index.ts';

const base: K6InvocationArgs = {
  scenario: 'smoke',
  targetUrl: 'http://traefik:80',
  hostHeader: 'shop.localhost',
  tempoUrl: 'http://tempo:3200',
  lokiUrl: 'http://loki:3100',
  prometheusUrl: 'http://prometheus:9090',
  prometheusRemoteWriteUrl: 'http://prometheus:9090/api/v1/write',
};

test('each scenario runs its own shipped script with the remote-write output', () => {
  const shipped = new Set(k6Scripts().map((s) => `${k6ScriptDir}/${s.path}`));
  for (const scenario of scenarioNames) {
    const { command } = k6Invocation({ ...base, scenario });
    assert.equal(command[0], 'run');
    assert.deepEqual(command.slice(1, 3), ['--out', 'experimental-prometheus-rw']);
    const script = command[command.length - 1]!;
    assert.equal(script, `${k6ScriptDir}/scenarios/${scenario}.ts`);
    assert.ok(shipped.has(script), `${script} is not among the uploaded files`);
    assert.ok(command.includes(`testid=${scenario}`));
  }
});

test('the environment carries the target, the Host header, the backends and the remote-write settings', () => {
  const { env } = k6Invocation(base);
  assert.equal(env.TARGET_URL, base.targetUrl);
  assert.equal(env.HOST_HEADER, 'shop.localhost');
  assert.equal(env.TEMPO_URL, base.tempoUrl);
  assert.equal(env.LOKI_URL, base.lokiUrl);
  assert.equal(env.PROMETHEUS_URL, base.prometheusUrl);
  assert.equal(env.K6_PROMETHEUS_RW_SERVER_URL, base.prometheusRemoteWriteUrl);
  assert.match(env.K6_PROMETHEUS_RW_TREND_STATS ?? '', /p\(99\)/);
  for (const value of Object.values(env)) assert.equal(typeof value, 'string');
});

test('scenario parameters become environment variables, unknown ones are refused', () => {
  const { env } = k6Invocation({ ...base, scenario: 'load-test', params: { RATE: '50', HOLD: '10m' } });
  assert.equal(env.RATE, '50');
  assert.equal(env.HOLD, '10m');
  assert.throws(() => k6Invocation({ ...base, scenario: 'load-test', params: { RATEE: '50' } }), /no parameter RATEE.*RATE/);
  // A parameter cannot smuggle in connection settings.
  assert.throws(() => k6Invocation({ ...base, params: { TARGET_URL: 'http://elsewhere' } }), /no parameter TARGET_URL/);
  assert.throws(() => k6Invocation({ ...base, params: { SERVICE_NAME: '' } }), /non-empty/);
  for (const scenario of scenarioNames) assert.ok(scenarioParams[scenario].length > 0);
});

test('bad connection settings fail at preview time, not inside the container', () => {
  assert.throws(() => k6Invocation({ ...base, targetUrl: 'traefik:80' }), /targetUrl/);
  assert.throws(() => k6Invocation({ ...base, lokiUrl: 'ftp://loki' }), /lokiUrl/);
  assert.throws(() => k6Invocation({ ...base, hostHeader: '' }), /hostHeader/);
  assert.throws(() => k6Invocation({ ...base, hostHeader: 'http://shop.localhost' }), /hostHeader/);
  assert.throws(() => k6Invocation({ ...base, scenario: 'nope' as never }), /unknown scenario/);
});

test('the image is a pinned k6 release, never latest', () => {
  assert.match(k6Image, /^grafana\/k6:\d+\.\d+\.\d+$/);
});
