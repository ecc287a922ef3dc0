/**
 * The failure lab's catalogue: every scenario is a valid fault setting with a k6 scenario that exists, its
 * panel is on the failure-lab dashboard, its config commands are derived from its setting, and each alert it
 * promises is a provisioned rule. That each one fires by the minute it states is shown on series recorded
 * from the real replicas under the real fault (the program's rehearsal: infra-program/test/rehearsal-*.test.ts),
 * not on series written here.
 */
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { stringify } from 'yaml';
import { buildDashboards, buildPrometheusRuleFiles, grafanaDatasourceUids } from '@lab/dashboards';
import { faultBounds, faultLinks, type FaultSettings, readFaults } from '@lab/service/failure-lab';
import { scenarioNames } from '@lab/load';
import { faultableRoutes } from '@lab/service/fault-flags';
import { dashboardUids } from '../src/dashboards/dashboard-uids';
import { configAsPulumiStoresIt, faultConfigCommands, faultConfigEntries } from '../src/faults/config-commands';
import { faultScenarioNames, faultScenarios, scenarioPanelTitle } from '../src/faults/scenarios';
import { runtimeProm } from '../src/metrics/service-metrics';
import { symptomAlerts } from '../src/rules/symptom-alerts';
import { panelsOf } from './support/query-inventory';
import { promtoolPath, runPromtool, withoutAnnotations, writeYamlFiles } from './support/promtool';

type Json = Record<string, any>;
const ruleFiles = buildPrometheusRuleFiles();
const alertRules = ruleFiles.flatMap((f) =>
  (f.content.groups as Json[]).flatMap((g) => (g.rules as Json[]).filter((r) => r.alert).map((r) => ({ file: f.fileName, rule: r }))),
);

test('the catalogue has every named scenario once, and none called `none` (the program\'s "no scenario")', () => {
  assert.deepEqual(faultScenarios.map((s) => s.name), [...faultScenarioNames]);
  assert.ok(!(faultScenarioNames as readonly string[]).includes('none'));
  for (const required of ['db-latency', 'db-outage', 'cache-outage', 'error-burst', 'slow-queries', 'telemetry-outage', 'cpu-hog', 'memory-leak']) {
    assert.ok((faultScenarioNames as readonly string[]).includes(required), required);
  }
});

/** Every number of a setting against the program's bounds (the program's reader enforces the same). */
function outOfBounds(faults: FaultSettings): string[] {
  const problems: string[] = [];
  const within = (path: string, value: number | undefined, bounds: { min: number; max: number }) => {
    if (value !== undefined && (value < bounds.min || value > bounds.max)) problems.push(`${path}=${value}`);
  };
  for (const link of faultLinks) {
    const f = faults[link];
    if (!f) continue;
    within(`${link}.latencyMs`, f.latencyMs, faultBounds.latencyMs);
    within(`${link}.jitterMs`, f.jitterMs, { min: faultBounds.jitterMs.min, max: Math.min(faultBounds.jitterMs.max, f.latencyMs ?? 0) });
    within(`${link}.timeoutMs`, f.timeoutMs, faultBounds.timeoutMs);
    within(`${link}.resetPeerMs`, f.resetPeerMs, faultBounds.resetPeerMs);
    within(`${link}.toxicity`, f.toxicity, faultBounds.toxicity);
  }
  const app = faults.app;
  within('app.errorRate.ratio', app?.errorRate?.ratio, faultBounds.errorRatio);
  within('app.latency.ms', app?.latency?.ms, faultBounds.appLatencyMs);
  within('app.slowQueryMs', app?.slowQueryMs, faultBounds.slowQueryMs);
  within('app.cpuHogPercent', app?.cpuHogPercent, faultBounds.cpuHogPercent);
  within('app.memoryLeak.mbPerMinute', app?.memoryLeak?.mbPerMinute, faultBounds.memoryLeakMbPerMinute);
  return problems;
}

test('each scenario sets at least one fault, within the program\'s bounds, and runs a k6 scenario @lab/load ships', () => {
  for (const s of faultScenarios) {
    assert.ok(faultConfigEntries(s.faults).length > 0, `${s.name} sets no fault`);
    assert.deepEqual(outOfBounds(s.faults), [], s.name);
    assert.ok((scenarioNames as readonly string[]).includes(s.k6.scenario), `${s.name}: k6 scenario ${s.k6.scenario}`);
  }
  assert.deepEqual(outOfBounds({ postgres: { latencyMs: 100, jitterMs: 200 } }), ['postgres.jitterMs=200'], 'the bounds check can fail');
});

test('the config commands are derived from the setting: Pulumi would store exactly the setting back', () => {
  assert.deepEqual(faultConfigCommands({ postgres: { latencyMs: 250, jitterMs: 50 } }), [
    "pulumi config set --path 'faults.postgres.latencyMs' 250",
    "pulumi config set --path 'faults.postgres.jitterMs' 50",
  ]);
  assert.deepEqual(faultConfigCommands({ app: { errorRate: { ratio: 0.5, routes: ['/api/items/:id'] } } }), [
    "pulumi config set --path 'faults.app.errorRate.ratio' 0.5",
    "pulumi config set --path 'faults.app.errorRate.routes[0]' /api/items/:id",
  ]);
  for (const s of faultScenarios) {
    // `--path` keeps booleans and integers typed and anything else a string: numbers compare as numbers.
    const stored = configAsPulumiStoresIt(faultConfigEntries(s.faults)) as { faults: unknown };
    const numeric = JSON.parse(JSON.stringify(stored.faults), (_k, v) => (typeof v === 'string' && v !== '' && !Number.isNaN(Number(v)) ? Number(v) : v));
    assert.deepEqual(numeric, s.faults, s.name);
  }
});

test('each scenario\'s panel is on the failure-lab dashboard, in that scenario\'s row', () => {
  const lab = buildDashboards(grafanaDatasourceUids).find((d) => d.uid === dashboardUids.failureLab)!.dashboard;
  const panels = panelsOf(lab);
  for (const s of faultScenarios) {
    const index = panels.findIndex((p) => p.title === scenarioPanelTitle(s));
    assert.ok(index >= 0, `${s.name}: no panel "${scenarioPanelTitle(s)}"`);
    const row = panels.slice(0, index).reverse().find((p) => p.type === 'row');
    assert.match(String(row?.title), new RegExp(`^${s.name}\\b`), `${s.name}: panel sits under row ${row?.title}`);
  }
});

test('each promised alert is a rule of the provisioned files, with the promised severity', () => {
  for (const s of faultScenarios) {
    assert.ok(s.alerts.length > 0, `${s.name} promises no alert`);
    for (const a of s.alerts) {
      const found = alertRules.find((r) => r.rule.alert === a.alert);
      assert.ok(found, `${s.name}: ${a.alert} is not an alert rule`);
      assert.equal(found.rule.labels.severity, a.severity, `${s.name}: ${a.alert}`);
    }
  }
  const promised = new Set(faultScenarios.flatMap((s) => s.alerts.map((a) => a.alert)));
  for (const a of Object.values(symptomAlerts)) assert.ok(promised.has(a.alert), `no scenario shows ${a.alert} fire`);
});

const noPromtool = !existsSync(promtoolPath) && 'promtool not installed';

test('ShopApiTelemetryMissing stays quiet while a new lab waits for the replicas\' first export (promtool test rules)', { skip: noPromtool }, () => {
  const heap = `${runtimeProm.heapUsed}{job="shop-api", instance="shop-api-1"}`;
  const files = ruleFiles.filter((f) => f.fileName === 'symptoms.rules.yml').map((f) => ({ fileName: f.fileName, content: withoutAnnotations(f.content) }));
  const dir = writeYamlFiles(files);
  const alertname = symptomAlerts.telemetryMissing.alert;
  const tests = [
    // Prometheus evaluates from minute 0; the first export arrives at minute 6.
    { name: 'first export late', interval: '1m', input_series: [{ series: heap, values: `_x5 41943040+0x20` }], alert_rule_test: [4, 6, 12].map((m) => ({ eval_time: `${m}m`, alertname, exp_alerts: [] })) },
    // The same series stopping after it had arrived does fire: the guard is not what keeps the first case quiet.
    { name: 'stops after arriving', interval: '1m', input_series: [{ series: heap, values: `_x5 41943040+0x10 _x15` }], alert_rule_test: [{ eval_time: '25m', alertname, exp_alerts: [{ exp_labels: { job: 'shop-api', service: 'shop-api', severity: 'ticket' } }] }] },
  ];
  writeFileSync(join(dir, 'telemetry-start.test.yml'), stringify({ rule_files: files.map((f) => f.fileName), evaluation_interval: '1m', tests }, { lineWidth: 0 }));
  const { status, output } = runPromtool(['test', 'rules', 'telemetry-start.test.yml'], dir);
  assert.equal(status, 0, output);
});

test('the program\'s own reader takes each scenario\'s commands as Pulumi stores them and reads the scenario\'s faults back', () => {
  const rules = { routes: [...faultableRoutes], replicaMemoryMb: 256 };
  for (const s of faultScenarios) {
    const stored = configAsPulumiStoresIt(faultConfigEntries(s.faults)) as { faults: unknown };
    const reading = readFaults('observability-lab', { faults: JSON.stringify(stored.faults), faultScenario: undefined }, faultScenarios, rules);
    assert.deepEqual(reading.problems, [], s.name);
    assert.deepEqual(reading.faults, s.faults, s.name);
    // The same faults through the knob the README leads with.
    const byName = readFaults('observability-lab', { faults: undefined, faultScenario: s.name }, faultScenarios, rules);
    assert.deepEqual(byName.problems, [], s.name);
    assert.deepEqual(byName.faults, s.faults, s.name);
  }
  // The reader is strict: a path the commands could mistype is refused, naming the key.
  const wrong = readFaults('observability-lab', { faults: JSON.stringify({ postgres: { latency: 250 } }), faultScenario: undefined }, faultScenarios, rules);
  assert.ok(wrong.problems.some((p) => p.includes('observability-lab:faults.postgres')), wrong.problems.join('; '));
});
