/**
 * Exemplars: a panel may only ask for them on series whose emitter writes them, the latency panels the
 * walkthrough sends people to do, and the facts behind that check match the stack.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildDashboards, grafanaDatasourceUids } from '@lab/dashboards';
import { dashboardUids } from '../src/dashboards/dashboard-uids';
import { drilldownPanelTitles } from '../src/dashboards/drilldown';
import { overviewPanelTitles } from '../src/dashboards/overview';
import { exemplarSeriesNames, knownMetricNames, metricSources, sourceOf } from '../src/metrics/known-metrics';
import { spanKinds, spanMetricsLabels } from '../src/metrics/known/tempo-metrics-generator';
import { serviceSeriesNames } from '../src/metrics/service-metrics';
import { timeSeriesPanel } from '../src/panels/panels';
import { http } from '../src/queries/service-queries';
import { serverSpans } from '../src/queries/span-metrics-queries';
import { walkthroughMarkdown } from '../src/walkthrough';
import { exemplarRequestsWithoutExemplars } from './support/exemplar-check';
import { promqlMetricNames, promqlSelectors } from './support/grammars';
import { dashboardQueries, panelsOf, type FoundQuery } from './support/query-inventory';

type Json = Record<string, any>;
const built = buildDashboards(grafanaDatasourceUids);
const byUid = (uid: string) => built.find((d) => d.uid === uid)!.dashboard as Json;
const queries: FoundQuery[] = built.flatMap((d) => dashboardQueries(d.dashboard));
const exemplarTargets = (panel: Json): Json[] => ((panel.targets ?? []) as Json[]).filter((t) => t.exemplar === true);

test('exemplar facts: the service OTLP histograms have none, Tempo span metrics carry them on _bucket', () => {
  assert.equal(metricSources.service.exemplars.emitsExemplars, false);
  const tempo = metricSources['tempo-metrics-generator'].exemplars;
  assert.equal(tempo.emitsExemplars, true);
  assert.ok(tempo.onSeries.includes('traces_spanmetrics_latency_bucket'));
  for (const series of tempo.onSeries) {
    assert.ok(metricSources['tempo-metrics-generator'].series.includes(series), `${series} is not a Tempo series`);
    assert.match(series, /_bucket$/, 'Tempo appends exemplars to bucket series only');
  }
  for (const series of serviceSeriesNames) assert.ok(!exemplarSeriesNames.has(series), series);
  assert.ok(!exemplarSeriesNames.has('traces_spanmetrics_calls_total'), 'counters carry no exemplars');
});

test('the "service emits no exemplars" fact matches the installed OpenTelemetry metrics SDK', (t) => {
  const sdk = join(__dirname, '..', '..', 'node_modules', '@opentelemetry', 'sdk-metrics');
  if (!existsSync(sdk)) return t.skip('@opentelemetry/sdk-metrics is not installed in this checkout');
  const version = JSON.parse(readFileSync(join(sdk, 'package.json'), 'utf8')).version as string;
  const sources = readdirSync(join(sdk, 'dist'), { recursive: true })
    .map(String)
    .filter((f) => /\.(c?js|mjs)$/.test(f));
  assert.ok(sources.length > 0);
  const mentioning = sources.filter((f) => /exemplar/i.test(readFileSync(join(sdk, 'dist', f), 'utf8')));
  assert.deepEqual(mentioning, [], `sdk-metrics ${version} now mentions exemplars: revisit metricSources.service`);
});

test('no panel asks for exemplars from a series whose emitter cannot produce them', () => {
  assert.ok(queries.some((q) => q.exemplar), 'some panels ask for exemplars');
  assert.deepEqual(exemplarRequestsWithoutExemplars(queries), []);
});

test('the exemplar check flags a real panel that asks the service histogram for exemplars', () => {
  const panelOf = (exemplars: boolean, expr: string) =>
    timeSeriesPanel(grafanaDatasourceUids, {
      title: 'probe',
      description: 'probe',
      unit: 's',
      queries: [{ expr, exemplars }],
    }).build();
  const dashboardWith = (panel: unknown) => dashboardQueries({ title: 'fake', panels: [panel] });

  const wrong = exemplarRequestsWithoutExemplars(dashboardWith(panelOf(true, http.quantile(0.99))));
  assert.equal(wrong.length, 1);
  assert.match(wrong[0]!, /http_server_request_duration_seconds_bucket \(service\) emits no exemplars/);
  assert.deepEqual(exemplarRequestsWithoutExemplars(dashboardWith(panelOf(false, http.quantile(0.99)))), []);
  assert.deepEqual(exemplarRequestsWithoutExemplars(dashboardWith(panelOf(true, serverSpans.latencyQuantile(0.99)))), []);
});

function assertServerSpanExemplars(panel: Json | undefined, name: string): Json[] {
  assert.ok(panel, `${name} exists`);
  const targets = exemplarTargets(panel);
  assert.ok(targets.length > 0, `${name} asks for exemplars`);
  for (const t of targets) {
    assert.deepEqual(promqlMetricNames(t.expr), ['traces_spanmetrics_latency_bucket'], name);
    assert.match(t.expr, new RegExp(`${spanMetricsLabels.service}="shop-api"`));
    assert.match(t.expr, new RegExp(`${spanMetricsLabels.spanKind}="${spanKinds.server}"`));
  }
  return targets;
}

test('overview and drilldown have span-metrics latency panels with exemplars of shop-api SERVER spans', () => {
  const overview = panelsOf(byUid(dashboardUids.overview));
  assertServerSpanExemplars(overview.find((p) => p.title === overviewPanelTitles.latencyExemplars), 'overview');
  const drill = panelsOf(byUid(dashboardUids.drilldown));
  const targets = assertServerSpanExemplars(drill.find((p) => p.title === drilldownPanelTitles.latencyExemplars), 'drilldown');
  for (const t of targets) assert.match(t.expr, /span_name=~"\[A-Z\]\+ \$\{route\}"/, 'span name ends in the route variable');
});

test('span-name regex selects `<METHOD> <route>` span names and leaves probes out', () => {
  const matcher = (expr: string, op: '=~' | '!~') => new RegExp(`^${new RegExp(`span_name${op}"([^"]+)"`).exec(expr)![1]!}$`);
  const expr = serverSpans.latencyQuantile(0.99, '/api/items/:id');
  assert.ok(matcher(expr, '=~').test('GET /api/items/:id'));
  assert.ok(!matcher(expr, '=~').test('GET /api/items'));
  assert.ok(!matcher(expr, '=~').test('pg.query:SELECT'));
  assert.ok(matcher(expr, '!~').test('GET /health/live'));
  assert.ok(!matcher(expr, '!~').test('GET /api/items/:id'));
});

test('span-metrics queries use Tempo\'s series and dimension labels only', () => {
  const dimensions = new Set<string>([...Object.values(spanMetricsLabels), 'le']);
  const selectors = queries
    .filter((q) => q.language === 'promql')
    .flatMap((q) => promqlSelectors(q.text).map((s) => ({ ...s, where: q.where })))
    .filter((s) => s.metric.startsWith('traces_spanmetrics_'));
  assert.ok(selectors.length > 0, 'some panels use span metrics');
  for (const s of selectors) {
    assert.ok(knownMetricNames.has(s.metric), `${s.where}: ${s.metric}`);
    assert.equal(sourceOf(s.metric), 'tempo-metrics-generator', s.where);
    for (const label of s.labels) assert.ok(dimensions.has(label), `${s.where}: ${s.metric} has no label ${label}`);
  }
});

test('only panels that request exemplars say so in their title', () => {
  for (const d of built) {
    for (const panel of panelsOf(d.dashboard)) {
      if (/exemplar/i.test(String(panel.title))) assert.ok(exemplarTargets(panel).length > 0, `${d.uid} / ${panel.title}`);
    }
  }
});

test('the walkthrough\'s "hover a dot" step names panels that show exemplars', () => {
  const markdown = walkthroughMarkdown();
  const step = markdown.split('\n- ').find((item) => item.includes('hover a dot'));
  assert.ok(step, 'the walkthrough has a click-a-dot step');
  const named = [...step.matchAll(/\*\*([^*]+ > [^*]+)\*\*/g)].map((m) => m[1]!.split(' > '));
  assert.ok(named.length >= 2);
  for (const [dashboardTitle, panelTitle] of named) {
    const dashboard = built.find((d) => d.dashboard.title === dashboardTitle);
    assert.ok(dashboard, dashboardTitle);
    const panel = panelsOf(dashboard.dashboard).find((p) => p.title === panelTitle);
    assert.ok(panel && exemplarTargets(panel).length > 0, `${dashboardTitle} > ${panelTitle} shows no exemplars`);
  }
});
