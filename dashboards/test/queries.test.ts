/**
 * Every PromQL, LogQL and TraceQL expression in the dashboards and rule files parses with the real
 * grammar, and every metric a PromQL query selects is one something in the stack emits.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildDashboards, buildPrometheusRuleFiles, grafanaDatasourceUids } from '@lab/dashboards';
import { knownMetricNames } from '../src/metrics/known-metrics';
import { dashboardQueries, recordedNames, ruleQueries, type FoundQuery } from './support/query-inventory';
import { parse, promqlMetricNames, substituteGrafanaVariables } from './support/grammars';

const dashboards = buildDashboards(grafanaDatasourceUids);
const ruleFiles = buildPrometheusRuleFiles();
const queries: FoundQuery[] = [...dashboards.flatMap((d) => dashboardQueries(d.dashboard)), ...ruleQueries(ruleFiles)];

test('the inventory finds queries of every language', () => {
  for (const language of ['promql', 'logql', 'traceql'] as const) {
    assert.ok(queries.filter((q) => q.language === language).length > 0, `no ${language} query found`);
  }
  assert.ok(queries.some((q) => q.where.includes('explore link')), 'queries inside data links are inventoried');
  assert.ok(queries.some((q) => q.where.includes('variable route')), 'the route variable query is inventoried');
});

test('every query is non-empty and parses without error nodes', () => {
  const failures = queries
    .map((q) => ({ q, result: parse(q.language, q.text) }))
    .filter(({ q, result }) => q.text.trim() === '' || result.errors.length > 0)
    .map(({ q, result }) => `${q.where} [${q.language}]: ${result.text}  errors at ${JSON.stringify(result.errors)}`);
  assert.deepEqual(failures, []);
});

test('the parsers reject broken queries (the check can fail)', () => {
  assert.ok(parse('promql', 'sum(rate(http_server_request_duration_seconds_count[5m])').errors.length > 0);
  assert.ok(parse('promql', 'rate(foo{job="a"}[$__rate_interval]) by').errors.length > 0);
  assert.ok(parse('logql', '{service_name="shop-api" | json').errors.length > 0);
  assert.ok(parse('traceql', '{ resource.service.name = "shop-api" && kind = server').errors.length > 0);
});

test('Grafana macros are replaced before parsing', () => {
  assert.equal(
    substituteGrafanaVariables('rate(x{http_route=~"${route}", a="$route"}[$__rate_interval])'),
    'rate(x{http_route=~"x", a="x"}[5m])',
  );
});

test('every metric a query selects is emitted by something in the stack or recorded by our rules', () => {
  const recorded = recordedNames(ruleFiles);
  const unknown = queries
    .filter((q) => q.language === 'promql')
    .flatMap((q) => promqlMetricNames(q.text).map((name) => ({ name, where: q.where })))
    .filter(({ name }) => !knownMetricNames.has(name) && !recorded.has(name))
    .map(({ name, where }) => `${where}: ${name}`);
  assert.deepEqual(unknown, []);
});

test('the metric check notices an unknown name', () => {
  const names = promqlMetricNames('sum(rate(http_server_requests_seconds_count{job="shop-api"}[5m])) / sum(up)');
  assert.deepEqual(names, ['http_server_requests_seconds_count', 'up']);
  assert.equal(knownMetricNames.has('http_server_requests_seconds_count'), false);
});

test('every recorded series a dashboard uses is produced by a rule file', () => {
  const recorded = recordedNames(ruleFiles);
  const used = dashboards
    .flatMap((d) => dashboardQueries(d.dashboard))
    .filter((q) => q.language === 'promql')
    .flatMap((q) => promqlMetricNames(q.text))
    .filter((name) => name.startsWith('slo:'));
  assert.ok(used.length > 0, 'the overview shows SLO series');
  for (const name of used) assert.ok(recorded.has(name), `${name} is not recorded by any rule`);
});

test('logs are selected by the OTLP service_name label, not a log-line format', () => {
  const logql = queries.filter((q) => q.language === 'logql');
  for (const q of logql) {
    assert.match(q.text, /\{service_name="shop-api"\}/, q.where);
    assert.doesNotMatch(q.text, /\|\s*json\b/, `${q.where}: OTLP log bodies are messages, not JSON lines`);
  }
});
