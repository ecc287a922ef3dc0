import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Options } from 'k6/options';
import { scenarioNames, type ScenarioName } from '../src/scenarios.ts';
import { k6SourceDir } from '../src/scripts.ts';
import { checkOptions, parseMetricSelector, parseThresholdExpression, type MetricType } from './support/k6-options-check.ts';
import { customMetrics, exportedFunctions, importSpecifiers, parse } from './support/k6-source.ts';
import { routes } from '../k6/lib/routes.ts';
import { smokeOptions, smokeParams } from '../k6/scenarios/smoke.options.ts';
import { loadTestOptions, loadTestParams } from '../k6/scenarios/load-test.options.ts';
import { retryStormOptions, retryStormParams } from '../k6/scenarios/retry-storm.options.ts';
import { spikeOptions, spikeParams } from '../k6/scenarios/spike.options.ts';
import { soakOptions, soakParams } from '../k6/scenarios/soak.options.ts';
import { failureMixOptions, failureMixParams } from '../k6/scenarios/failure-mix.options.ts';

type Env = Record<string, string | undefined>;

/** Each scenario's pure options builder and its declared parameters with defaults. */
const builders: Record<ScenarioName, { build: (env: Env) => Options; params: Record<string, string> }> = {
  smoke: { build: smokeOptions, params: smokeParams },
  'load-test': { build: loadTestOptions, params: loadTestParams },
  'retry-storm': { build: retryStormOptions, params: retryStormParams },
  spike: { build: spikeOptions, params: spikeParams },
  soak: { build: soakOptions, params: soakParams },
  'failure-mix': { build: failureMixOptions, params: failureMixParams },
};

const scriptFile = (scenario: ScenarioName) => join(k6SourceDir, 'scenarios', `${scenario}.ts`);

/** The script and every local module it imports, transitively. */
function moduleClosure(entry: string): string[] {
  const seen = new Set<string>();
  const pending = [entry];
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const spec of importSpecifiers(parse(file))) {
      if (spec.startsWith('.')) pending.push(join(file, '..', spec));
    }
  }
  return [...seen];
}

function contextFor(scenario: ScenarioName, options: Options) {
  const metrics: Record<string, MetricType> = {};
  for (const file of moduleClosure(scriptFile(scenario))) Object.assign(metrics, customMetrics(parse(file)));
  const scenarioTagValues = new Map<string, Set<string>>();
  for (const s of Object.values(options.scenarios ?? {})) {
    for (const [key, value] of Object.entries(s.tags ?? {})) {
      if (!scenarioTagValues.has(key)) scenarioTagValues.set(key, new Set());
      scenarioTagValues.get(key)!.add(value);
    }
  }
  return {
    exportedFunctions: exportedFunctions(parse(scriptFile(scenario))),
    customMetrics: metrics,
    knownTagValues: {
      route: new Set(Object.values(routes).map((r) => r.route)),
      target: new Set(['service', 'tempo', 'loki', 'prometheus']),
      signal: new Set(['traces', 'logs', 'metrics']),
      ...Object.fromEntries(scenarioTagValues),
    },
  };
}

for (const scenario of scenarioNames) {
  const { build, params } = builders[scenario];

  test(`${scenario}: options are well formed with default parameters`, () => {
    const options = build({});
    const checked = checkOptions(options, contextFor(scenario, options));
    assert.ok(checked > 0);
  });

  test(`${scenario}: the script exports the options built by its options module`, () => {
    const source = parse(scriptFile(scenario)).getText();
    assert.match(source, new RegExp(`export const options = \\w+Options\\(__ENV\\);`));
    assert.ok(importSpecifiers(parse(scriptFile(scenario))).includes(`./${scenario}.options.ts`));
  });

  test(`${scenario}: every parameter is read, its default accepted, and a bad value refused with its name`, () => {
    const options = build({ ...params });
    checkOptions(options, contextFor(scenario, options));
    const optionsSource = parse(join(k6SourceDir, 'scenarios', `${scenario}.options.ts`)).getText();
    const scriptSource = parse(scriptFile(scenario)).getText();
    for (const [name, value] of Object.entries(params)) {
      const readByOptions = optionsSource.includes(`'${name}'`);
      const readByScript = scriptSource.includes(`'${name}'`);
      assert.ok(readByOptions || readByScript, `${name} is declared but never read`);
      const validated = /^\d+(\.\d+)?$/.test(value) || /^(\d+(ms|s|m|h))+$/.test(value);
      if (!validated) continue;
      try {
        build({ [name]: 'not-a-value' });
      } catch (error) {
        assert.match(String(error), new RegExp(name));
        continue;
      }
      // Not an options parameter: the script must read it through the validating helpers at init time.
      assert.match(scriptSource, new RegExp(`(num|numberParam|durationParam)\\((__ENV, )?'${name}'`), `${name} must be validated`);
    }
  });
}

test('parameters really drive the options (load-test rate, smoke timeout, retry-storm phases)', () => {
  const load = loadTestOptions({ RATE: '77', HOLD: '10m' });
  const stages = (load.scenarios?.['load-test'] as { stages: Array<{ target: number; duration: string }> }).stages;
  assert.equal(stages[0]?.target, 77);
  assert.equal(stages[1]?.duration, '10m');

  const smoke = smokeOptions({ SIGNAL_TIMEOUT: '5m' });
  assert.equal((smoke.scenarios?.smoke as { maxDuration: string }).maxDuration, `${300 + 120}s`);
  assert.ok(!('checks{signal:logs}' in (smokeOptions({ CHECK_TELEMETRY: 'false' }).thresholds ?? {})));

  const storm = retryStormOptions({ PHASE: '1m', PAUSE: '15s' });
  assert.equal(storm.scenarios?.['backoff-retries']?.startTime, '75s');
});

test('smoke fails on any service error and names each telemetry signal in its own threshold', () => {
  const thresholds = smokeOptions({}).thresholds ?? {};
  assert.deepEqual(thresholds['http_req_failed{target:service}'], ['rate==0']);
  for (const signal of ['traces', 'logs', 'metrics']) assert.deepEqual(thresholds[`checks{signal:${signal}}`], ['rate==1']);
});

test('load-test guards p95, p99 and error rate on every business route', () => {
  const thresholds = loadTestOptions({}).thresholds ?? {};
  for (const route of ['item-read', 'item-list', 'item-create', 'item-update', 'order-create']) {
    assert.equal(thresholds[`http_req_duration{route:${route}}`]?.length, 2, route);
    assert.ok(thresholds[`http_req_failed{route:${route}}`], route);
  }
});

test('the options checker itself rejects what k6 would reject', () => {
  const context = {
    exportedFunctions: new Set(['default']),
    customMetrics: {},
    knownTagValues: { route: new Set(['item-read']) },
  };
  const scenario = { executor: 'constant-vus' as const, vus: 1, duration: '1m' };
  const ok: Options = { scenarios: { a: scenario }, thresholds: { 'http_req_duration{route:item-read}': ['p(95)<200'] } };
  assert.equal(checkOptions(ok, context), 1);
  const cases: Array<[string, Options]> = [
    ['not a k6 duration', { scenarios: { a: { ...scenario, duration: '1 minute' } }, thresholds: ok.thresholds! }],
    ['exec nope', { scenarios: { a: { ...scenario, exec: 'nope' } }, thresholds: ok.thresholds! }],
    ['neither built in', { scenarios: { a: scenario }, thresholds: { http_req_time: ['avg<1'] } }],
    ['does not apply', { scenarios: { a: scenario }, thresholds: { http_req_failed: ['p(95)<1'] } }],
    ['no request is tagged', { scenarios: { a: scenario }, thresholds: { 'http_req_duration{route:nope}': ['avg<1'] } }],
    ['no comparison', { scenarios: { a: scenario }, thresholds: { http_req_duration: ['p(95)'] } }],
    ['no threshold', { scenarios: { a: scenario } }],
  ];
  for (const [message, options] of cases) assert.throws(() => checkOptions(options, context), new RegExp(message), message);
  assert.deepEqual(parseMetricSelector('checks{signal:logs}'), { metric: 'checks', tags: [['signal', 'logs']] });
  assert.throws(() => parseMetricSelector('checks{signal}'), /malformed/);
  assert.deepEqual(parseThresholdExpression('p(99.9)<=800'), { aggregation: 'p', percentile: 99.9, operator: '<=', value: 800 });
});
