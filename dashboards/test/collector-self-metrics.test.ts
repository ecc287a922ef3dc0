/**
 * The Collector's own metrics the dashboards query are the names its Prometheus reader serves with the
 * options the lab writes, and not the names it would serve with the Collector's defaults.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildDashboards, buildPrometheusRuleFiles, grafanaDatasourceUids } from '@lab/dashboards';
import {
  collectorPrometheusReaderOptions,
  collectorServedSeriesNames,
  otelCollectorMetrics,
} from '../src/metrics/known/otel-collector';
import { dashboardQueries, ruleQueries } from './support/query-inventory';
import { promqlMetricNames } from './support/grammars';

const queried = [
  ...buildDashboards(grafanaDatasourceUids).flatMap((d) => dashboardQueries(d.dashboard)),
  ...ruleQueries(buildPrometheusRuleFiles()),
]
  .filter((q) => q.language === 'promql')
  .flatMap((q) => promqlMetricNames(q.text))
  .filter((name) => name.startsWith('otelcol_'));

const served = (options: Parameters<typeof collectorServedSeriesNames>[1]) =>
  new Set(otelCollectorMetrics.flatMap((metric) => collectorServedSeriesNames(metric, options)));

test('the dashboards query Collector metrics at all', () => {
  assert.ok(queried.length >= 4, queried.join(', '));
  assert.ok(queried.some((name) => name.endsWith('_total')));
});

test('every Collector metric a query selects is served under the reader options the lab sets', () => {
  const names = served(collectorPrometheusReaderOptions);
  assert.deepEqual(queried.filter((name) => !names.has(name)), []);
});

test('with the reader options left to the Collector (all true since v0.152), the queried counters would not exist', () => {
  const names = served({});
  const missing = queried.filter((name) => !names.has(name));
  assert.ok(missing.includes('otelcol_receiver_accepted_spans_total'), missing.join(', '));
  assert.ok(names.has('otelcol_receiver_accepted_spans'));
});

test('without_units alone does not drop suffixes (otelconf v0.25 passes only the strategy on)', () => {
  const counter = otelCollectorMetrics.find((m) => m.name === 'otelcol_exporter_sent_spans')!;
  assert.deepEqual(collectorServedSeriesNames(counter, { without_units: true, without_type_suffix: false }), ['otelcol_exporter_sent_spans_total']);
  assert.deepEqual(collectorServedSeriesNames(counter, { without_units: true, without_type_suffix: true }), ['otelcol_exporter_sent_spans']);
});
