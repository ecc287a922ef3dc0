/**
 * The SLO rules, checked and unit-tested by the real promtool: the generated rule files are written
 * to a temp dir with generated promtool test files (synthetic traffic), then `promtool check rules`
 * and `promtool test rules` run on them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { buildPrometheusRuleFiles } from '@lab/dashboards';
import { serviceProm } from '../src/metrics/service-metrics';
import { alertName } from '../src/slo/prometheus-rules';
import { serviceLevelObjectives, type ServiceLevelObjective } from '../src/slo/slo';
import { runPromtool, promtoolPath, writeYamlFiles } from './support/promtool';
import { counterSeries, split, totalMinutes, type TrafficPhase } from './support/traffic';

const availability = serviceLevelObjectives.find((s) => s.sli.kind === 'availability')!;
const latency = serviceLevelObjectives.find((s) => s.sli.kind === 'latency')!;
const duration = serviceProm.httpServerRequestDuration;

const hour = 60;
const day = 24 * hour;
const normal = (minutes: number): TrafficPhase => ({ minutes, requestsPerMinute: 1000, badRatio: 0.001 });
const failing = (minutes: number, badRatio: number): TrafficPhase => ({ minutes, requestsPerMinute: 1000, badRatio });

function labels(route: string, status: string, extra: Record<string, string> = {}): string {
  const all = { job: 'shop-api', http_route: route, http_request_method: 'GET', http_response_status_code: status, ...extra };
  return `{${Object.entries(all).map(([k, v]) => `${k}="${v}"`).join(', ')}}`;
}

interface InputSeries {
  series: string;
  values: string;
}

/** Availability traffic: good requests answer 200, bad ones 500. */
function availabilitySeries(phases: readonly TrafficPhase[], route = '/api/items/:id'): InputSeries[] {
  const { good, bad } = split(phases);
  return [
    { series: `${duration}_count${labels(route, '200')}`, values: counterSeries(good) },
    { series: `${duration}_count${labels(route, '500')}`, values: counterSeries(bad) },
  ];
}

/** Latency traffic, all 200: good requests fall in the le="0.5" bucket, bad ones above it. */
function latencySeries(phases: readonly TrafficPhase[], status = '200'): InputSeries[] {
  const { good, all } = split(phases);
  return [
    { series: `${duration}_bucket${labels('/api/items', status, { le: '0.25' })}`, values: counterSeries(good) },
    { series: `${duration}_bucket${labels('/api/items', status, { le: '0.5' })}`, values: counterSeries(good) },
    { series: `${duration}_bucket${labels('/api/items', status, { le: '+Inf' })}`, values: counterSeries(all) },
    { series: `${duration}_count${labels('/api/items', status)}`, values: counterSeries(all) },
  ];
}

interface AlertExpectation {
  at: number;
  slo: ServiceLevelObjective;
  severity: 'page' | 'ticket';
  firing: boolean;
}

interface Scenario {
  name: string;
  series: InputSeries[];
  expectations: AlertExpectation[];
  /** Recorded values to check, e.g. the budget left that the overview shows. */
  records?: Array<{ at: number; expr: string; value: number }>;
  /** Multi-day histories are evaluated every 5 minutes to keep the test quick. */
  long?: boolean;
}

function toPromtoolTest(scenario: Scenario) {
  return {
    name: scenario.name,
    interval: '1m',
    input_series: scenario.series,
    alert_rule_test: scenario.expectations.map((e) => ({
      eval_time: `${e.at}m`,
      alertname: alertName(e.slo, e.severity),
      exp_alerts: e.firing ? [{ exp_labels: { slo: e.slo.name, service: 'shop-api', severity: e.severity } }] : [],
    })),
    promql_expr_test: (scenario.records ?? []).map((r) => ({
      expr: r.expr,
      eval_time: `${r.at}m`,
      exp_samples: [{ labels: `${r.expr.split('{')[0]}{slo="${availability.name}", service="shop-api"}`, value: r.value }],
    })),
  };
}

const quiet = (slo: ServiceLevelObjective, at: number): AlertExpectation[] => [
  { at, slo, severity: 'page', firing: false },
  { at, slo, severity: 'ticket', firing: false },
];

const scenarios: Scenario[] = [
  {
    name: 'availability: normal traffic (0.1% errors, under the 0.5% budget) never alerts',
    series: availabilitySeries([normal(8 * hour)]),
    expectations: [1, 4, 8].flatMap((h) => quiet(availability, h * hour - 1)),
    // 0.1% errors spend a fifth of the 0.5% budget: 80% left.
    records: [{ at: 4 * hour, expr: `slo:error_budget_remaining:ratio{slo="${availability.name}"}`, value: 0.8 }],
  },
  {
    name: 'availability: 20% errors for 30 minutes pages (1h/5m at 14.4x)',
    series: availabilitySeries([normal(hour), failing(hour, 0.2)]),
    expectations: [
      { at: hour + 5, slo: availability, severity: 'page', firing: false },
      { at: hour + 30, slo: availability, severity: 'page', firing: true },
    ],
  },
  {
    name: 'availability: a 2-minute full outage after 3 quiet days neither pages nor opens a ticket',
    series: availabilitySeries([normal(3 * day), failing(2, 1), normal(3 * hour)]),
    long: true,
    expectations: [3 * day + 3, 3 * day + 10, 3 * day + 30, 3 * day + 2 * hour].flatMap((at) => quiet(availability, at)),
  },
  {
    name: 'availability: a steady 2% error rate (4x burn) opens a ticket but does not page',
    series: availabilitySeries([failing(4 * hour, 0.02)]),
    expectations: [
      { at: 3 * hour, slo: availability, severity: 'ticket', firing: true },
      { at: 3 * hour, slo: availability, severity: 'page', firing: false },
    ],
  },
  {
    name: 'availability: failing health probes do not count against the SLO',
    series: [
      ...availabilitySeries([normal(2 * hour)]),
      ...availabilitySeries([failing(2 * hour, 1)], '/health/ready'),
    ],
    expectations: quiet(availability, 2 * hour - 1),
  },
  {
    name: 'latency: 0.1% slow requests (budget 1%) never alerts',
    series: latencySeries([normal(6 * hour)]),
    expectations: [2, 6].flatMap((h) => quiet(latency, h * hour - 1)),
  },
  {
    name: 'latency: half the requests over 500 ms for 30 minutes pages',
    series: latencySeries([normal(hour), failing(hour, 0.5)]),
    expectations: [
      { at: hour + 5, slo: latency, severity: 'page', firing: false },
      { at: hour + 30, slo: latency, severity: 'page', firing: true },
    ],
  },
  {
    name: 'latency: slow server errors count for availability, not latency',
    series: [...latencySeries([normal(2 * hour)]), ...latencySeries([failing(2 * hour, 1)], '500')],
    expectations: quiet(latency, 2 * hour - 1),
  },
];

test('promtool is installed', { skip: !existsSync(promtoolPath) && 'promtool not installed' }, () => {
  const { status, output } = runPromtool(['--version'], process.cwd());
  assert.equal(status, 0, output);
});

test('generated rule files pass `promtool check rules`', { skip: !existsSync(promtoolPath) }, () => {
  const files = buildPrometheusRuleFiles();
  const dir = writeYamlFiles(files);
  const { status, output } = runPromtool(['check', 'rules', ...files.map((f) => f.fileName)], dir);
  assert.equal(status, 0, output);
  assert.match(output, /SUCCESS/);
});

/**
 * Annotations carry `{{ $value }}`; promtool compares annotations exactly, so the unit-tested copy
 * leaves them out. Everything promtool evaluates (expr, for, labels) is the provisioned rule as is.
 */
function withoutAnnotations(content: Record<string, unknown>): Record<string, unknown> {
  const groups = (content.groups as Array<{ rules: Array<Record<string, unknown>> }>).map((g) => ({
    ...g,
    rules: g.rules.map(({ annotations: _annotations, ...rule }) => rule),
  }));
  return { ...content, groups };
}

test('burn-rate alerts fire for burns that should page and stay quiet otherwise (promtool test rules)', { skip: !existsSync(promtoolPath), timeout: 600_000 }, () => {
  const files = buildPrometheusRuleFiles().map((f) => ({ fileName: f.fileName, content: withoutAnnotations(f.content) }));
  const dir = writeYamlFiles(files);
  const testFiles = [
    { fileName: 'slo.test.yml', evaluation_interval: '1m', tests: scenarios.filter((s) => !s.long) },
    { fileName: 'slo-long.test.yml', evaluation_interval: '5m', tests: scenarios.filter((s) => s.long) },
  ];
  for (const t of testFiles) {
    const content = { rule_files: files.map((f) => f.fileName), evaluation_interval: t.evaluation_interval, tests: t.tests.map(toPromtoolTest) };
    writeFileSync(join(dir, t.fileName), stringify(content, { lineWidth: 0 }));
  }
  const { status, output } = runPromtool(['test', 'rules', ...testFiles.map((t) => t.fileName)], dir);
  assert.equal(status, 0, output);
  assert.match(output, /SUCCESS/);
});

test('promtool test rules catches a wrong expectation (the harness can fail)', { skip: !existsSync(promtoolPath) }, () => {
  const files = buildPrometheusRuleFiles().map((f) => ({ fileName: f.fileName, content: withoutAnnotations(f.content) }));
  const dir = writeYamlFiles(files);
  const wrong: Scenario = {
    name: 'normal traffic claimed to page',
    series: availabilitySeries([normal(2 * hour)]),
    expectations: [{ at: hour, slo: availability, severity: 'page', firing: true }],
  };
  writeFileSync(join(dir, 'wrong.test.yml'), stringify({ rule_files: files.map((f) => f.fileName), evaluation_interval: '1m', tests: [toPromtoolTest(wrong)] }));
  const { status } = runPromtool(['test', 'rules', 'wrong.test.yml'], dir);
  assert.notEqual(status, 0);
});

test('every SLO is covered by a paging and a quiet scenario', () => {
  for (const slo of serviceLevelObjectives) {
    const own = scenarios.flatMap((s) => s.expectations).filter((e) => e.slo === slo);
    assert.ok(own.some((e) => e.severity === 'page' && e.firing), `${slo.name} has no paging scenario`);
    assert.ok(own.some((e) => e.severity === 'page' && !e.firing), `${slo.name} has no quiet scenario`);
  }
});
