/** The failure lab's "what is broken right now" row and the fault-change annotations. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildDashboards, grafanaDatasourceUids } from '@lab/dashboards';
import { faultMetrics } from '@lab/service/fault-controller';
import { dashboardUids } from '../src/dashboards/dashboard-uids';
import { failureLabPanelTitles } from '../src/dashboards/failure-lab';
import { faultChangeAnnotationName } from '../src/dashboards/fault-annotations';
import { toxiproxyMetrics } from '../src/metrics/known/toxiproxy';
import { serviceCounters } from '../src/metrics/service-metrics';
import { promqlMetricNames } from './support/grammars';
import { panelsOf } from './support/query-inventory';

type Json = Record<string, any>;
const built = buildDashboards(grafanaDatasourceUids);
const byUid = (uid: string) => built.find((d) => d.uid === uid)!.dashboard as Json;
const lab = byUid(dashboardUids.failureLab);
const labPanels = panelsOf(lab) as Json[];
const metricsOf = (title: string) => {
  const panel = labPanels.find((p) => p.title === title);
  assert.ok(panel, title);
  return (panel.targets as Json[]).flatMap((t) => promqlMetricNames(String(t.expr)));
};

test('the failure lab opens with what is broken right now', () => {
  const first = labPanels[0]!;
  assert.equal(first.type, 'row');
  assert.equal(first.title, failureLabPanelTitles.brokenNow);
  assert.deepEqual(metricsOf(failureLabPanelTitles.activeFaults), [faultMetrics.active.name]);
  assert.deepEqual(metricsOf(failureLabPanelTitles.faultList).sort(), [faultMetrics.active.name, faultMetrics.setting.name].sort());
  assert.deepEqual([...new Set(metricsOf(failureLabPanelTitles.toxiproxyTraffic))], [toxiproxyMetrics.sentBytes]);
  assert.deepEqual([...new Set(metricsOf(failureLabPanelTitles.flagEvaluations))], [serviceCounters.featureFlagEvaluations]);
  assert.deepEqual(metricsOf(failureLabPanelTitles.controller).sort(), [faultMetrics.reconciles.name, faultMetrics.toxiproxyUp.name].sort());
});

test('flag evaluations are split by flag key and variant, Toxiproxy traffic by proxy', () => {
  const flags = labPanels.find((p) => p.title === failureLabPanelTitles.flagEvaluations)!;
  assert.match(flags.targets[0].expr, /sum by \(feature_flag_key, feature_flag_result_variant\)/);
  const toxiproxy = labPanels.find((p) => p.title === failureLabPanelTitles.toxiproxyTraffic)!;
  for (const t of toxiproxy.targets as Json[]) assert.match(t.expr, /sum by \(proxy\)/);
  assert.deepEqual((toxiproxy.targets as Json[]).map((t) => /direction="(\w+)"/.exec(t.expr)![1]).sort(), ['downstream', 'upstream']);
});

test('fault changes are annotations on the failure lab and the overview, timed by the applied timestamp in ms', () => {
  for (const uid of [dashboardUids.failureLab, dashboardUids.overview]) {
    const list = (byUid(uid).annotations?.list ?? []) as Json[];
    const annotation = list.find((a) => a.name === faultChangeAnnotationName);
    assert.ok(annotation, `${uid} has the fault-change annotation`);
    assert.equal(annotation.useValueForTime, true, 'Grafana reads the series value as the event time');
    assert.equal(annotation.datasource.uid, grafanaDatasourceUids.prometheus);
    assert.equal(annotation.target.datasource.uid, grafanaDatasourceUids.prometheus);
    assert.deepEqual(promqlMetricNames(annotation.target.expr), [faultMetrics.appliedTimestamp.name]);
    // The metric is in seconds; Grafana takes the value as milliseconds (its annotation editor says so).
    assert.match(annotation.target.expr, /\* 1000$/);
  }
});
