/** The provisioned dashboards: structure, datasource wiring, correlation entry points. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { buildDashboards, buildPrometheusRuleFiles, type DatasourceUids } from '@lab/dashboards';
import { dashboardUids } from '../src/dashboards/dashboard-uids';
import { failureScenarios } from '../src/dashboards/failure-scenarios';
import { serviceLevelObjectives } from '../src/slo/slo';
import { panelsOf as panelsOfJson } from './support/query-inventory';

type Json = Record<string, any>;
const panelsOf = (dashboard: Record<string, unknown>): Json[] => panelsOfJson(dashboard);

/** Deliberately not the defaults: a uid written as a literal anywhere would show up. */
const uids: DatasourceUids = {
  prometheus: 'prom-under-test',
  loki: 'loki-under-test',
  tempo: 'tempo-under-test',
  pyroscope: 'pyroscope-under-test',
  alertmanager: 'am-under-test',
};
const built = buildDashboards(uids);
const byUid = (uid: string) => built.find((d) => d.uid === uid)!.dashboard as Json;

function walk(value: unknown, visit: (node: Json, path: string) => void, path = '$'): void {
  if (Array.isArray(value)) value.forEach((v, i) => walk(v, visit, `${path}[${i}]`));
  else if (value && typeof value === 'object') {
    visit(value as Json, path);
    for (const [k, v] of Object.entries(value)) walk(v, visit, `${path}.${k}`);
  }
}

test('the four dashboards are built with stable uids and file names', () => {
  assert.deepEqual(built.map((d) => d.uid).sort(), Object.values(dashboardUids).sort());
  for (const d of built) {
    assert.equal(d.fileName, `${d.uid}.json`);
    assert.equal(d.dashboard.uid, d.uid);
  }
});

test('building is deterministic, so the provisioned copy cannot drift from this code', () => {
  assert.deepEqual(buildDashboards(uids), built);
  const jsonFiles = readdirSync(join(__dirname, '..'), { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.json') && !f.includes('node_modules') && !['package.json', 'tsconfig.json'].includes(f));
  assert.deepEqual(jsonFiles, [], 'no hand-written dashboard JSON lives in this folder');
});

test('every datasource reference uses the uids passed in, with a matching type', () => {
  const expected: Record<string, string> = { prometheus: uids.prometheus, loki: uids.loki, tempo: uids.tempo, 'grafana-pyroscope-datasource': uids.pyroscope };
  let refs = 0;
  for (const d of built) {
    walk(d.dashboard, (node, path) => {
      if (!node.datasource || typeof node.datasource !== 'object') return;
      refs++;
      const ref = node.datasource as Json;
      assert.equal(ref.uid, expected[ref.type], `${d.uid} ${path}`);
    });
  }
  assert.ok(refs > 50);
});

test('every query target has a datasource and a refId unique within its panel', () => {
  for (const d of built) {
    for (const panel of panelsOf(d.dashboard)) {
      const targets = (panel.targets ?? []) as Json[];
      if (panel.type === 'row' || panel.type === 'text') continue;
      assert.ok(targets.length > 0, `${d.uid} / ${panel.title} has no query`);
      const refIds = targets.map((t) => t.refId);
      assert.equal(new Set(refIds).size, refIds.length, `${d.uid} / ${panel.title}`);
      for (const t of targets) {
        assert.match(String(t.refId), /^[A-Z]$/);
        assert.ok(t.datasource?.uid, `${d.uid} / ${panel.title} target ${t.refId} has no datasource`);
      }
    }
  }
});

test('panels have unique ids and fit the 24-column grid without overlapping', () => {
  for (const d of built) {
    const panels = panelsOf(d.dashboard);
    const ids = panels.map((p) => p.id);
    assert.equal(new Set(ids).size, ids.length, d.uid);
    const cells = new Set<string>();
    for (const p of panels) {
      const { x, y, w, h } = p.gridPos as { x: number; y: number; w: number; h: number };
      assert.ok(x >= 0 && w > 0 && x + w <= 24, `${d.uid} / ${p.title} overflows`);
      for (let i = x; i < x + w; i++)
        for (let j = y; j < y + h; j++) {
          assert.ok(!cells.has(`${i},${j}`), `${d.uid} / ${p.title} overlaps another panel`);
          cells.add(`${i},${j}`);
        }
    }
  }
});

test('overview: error budget left for every SLO, a logs panel and latency exemplars', () => {
  const overview = byUid(dashboardUids.overview);
  const panels = panelsOf(overview);
  for (const slo of serviceLevelObjectives) {
    const budget = panels.find((p) => p.title === `Error budget left: ${slo.name}`);
    assert.ok(budget, slo.name);
    assert.match(budget.targets[0].expr, new RegExp(`slo:error_budget_remaining:ratio\\{slo="${slo.name}"\\}`));
  }
  const logs = panels.find((p) => p.type === 'logs');
  assert.equal(logs?.targets[0].datasource.uid, uids.loki);
  assert.ok(panels.some((p) => (p.targets ?? []).some((t: Json) => t.exemplar === true)));
  for (const title of ['Traffic per replica', 'Collector refused', 'Collector dropped', 'Virtual users and request rate', 'Time in GC']) {
    assert.ok(panels.some((p) => p.title === title), title);
  }
});

test('drilldown: a route variable from Prometheus, latency with exemplars, trace and SQL panels', () => {
  const drill = byUid(dashboardUids.drilldown);
  const route = drill.templating.list.find((v: Json) => v.name === 'route');
  assert.equal(route.datasource.uid, uids.prometheus);
  assert.match(route.query, /^label_values\(http_server_request_duration_seconds_count\{.*\}, http_route\)$/);
  const panels = panelsOf(drill);
  const latency = panels.find((p) => p.title === 'Latency with exemplars')!;
  assert.ok(latency.targets.some((t: Json) => t.exemplar === true && /\$\{route\}/.test(t.expr)));
  const traceTables = panels.filter((p) => p.targets?.[0]?.queryType === 'traceql');
  assert.ok(traceTables.length >= 3);
  assert.ok(traceTables.every((p) => p.targets[0].datasource.uid === uids.tempo));
  assert.ok(panels.some((p) => p.title === 'Slowest SQL statements (p95)'));
  assert.ok(panels.some((p) => p.title === 'Cache hit ratio'));
});

test('data links open Explore on the provisioned datasources', () => {
  const drill = byUid(dashboardUids.drilldown);
  const errors = panelsOf(drill).find((p) => p.title === 'Errors by type')!;
  const urls: string[] = errors.fieldConfig.defaults.links.map((l: Json) => l.url);
  assert.equal(urls.length, 2);
  const panes = urls.map((u) => JSON.parse(decodeURIComponent(/panes=([^&]*)/.exec(u)![1]!)).a);
  assert.deepEqual(panes.map((p) => p.datasource).sort(), [uids.loki, uids.tempo].sort());
  assert.ok(urls.every((u) => u.includes('${__from}') && u.includes('${__to}')), 'Grafana variables stay interpolatable');
});

test('failure lab: one row per /simulate scenario of the service contract', () => {
  const contractRoutes = ['/simulate/latency', '/simulate/error', '/simulate/heavy-task', '/simulate/heavy-task/:id', '/simulate/slow-query'];
  const lab = byUid(dashboardUids.failureLab);
  const rows = panelsOf(lab).filter((p) => p.type === 'row').map((p) => p.title as string);
  for (const scenario of failureScenarios) {
    assert.ok(rows.some((r) => r.includes(scenario.routeRegex)), scenario.title);
    assert.ok(contractRoutes.some((r) => new RegExp(`^${scenario.routeRegex}$`).test(r)), `${scenario.routeRegex} matches no route`);
  }
  for (const route of contractRoutes) {
    assert.ok(failureScenarios.some((s) => new RegExp(`^${s.routeRegex}$`).test(route)), `${route} has no scenario`);
  }
});

test('service map: Tempo service graph node panel', () => {
  const map = byUid(dashboardUids.serviceMap);
  const node = panelsOf(map).find((p) => p.type === 'nodeGraph')!;
  assert.equal(node.targets[0].queryType, 'serviceMap');
  assert.equal(node.targets[0].datasource.uid, uids.tempo);
});

test('every alert points at a dashboard that exists', () => {
  const existing = new Set(built.map((d) => d.uid));
  for (const file of buildPrometheusRuleFiles()) {
    for (const group of (file.content.groups as Json[])) {
      for (const rule of group.rules as Json[]) {
        if (!rule.alert) continue;
        assert.ok(existing.has(String(rule.annotations.dashboard).replace('/d/', '')), rule.alert);
        assert.match(rule.labels.severity, /^(page|ticket)$/);
      }
    }
  }
});

test('the overview shows CPU and heap per replica from the service\'s profiles', () => {
  const panels = panelsOf(byUid(dashboardUids.overview));
  const profilePanels = panels.filter((p) => p.datasource?.type === 'grafana-pyroscope-datasource');
  assert.deepEqual(
    profilePanels.map((p) => [p.targets[0].profileTypeId, p.targets[0].queryType, p.targets[0].groupBy, p.targets[0].labelSelector]),
    [
      ['wall:cpu:nanoseconds:wall:nanoseconds', 'metrics', ['service_instance_id'], '{service_name="shop-api"}'],
      ['memory:inuse_space:bytes:inuse_space:bytes', 'metrics', ['service_instance_id'], '{service_name="shop-api"}'],
    ],
  );
  assert.ok(profilePanels.every((p) => p.targets[0].datasource.uid === uids.pyroscope));
});
