/**
 * Retries are shown where they are counted. Traefik 3.7 never increments traefik_service_retries_total
 * (its retry middleware is built without the metrics listener), so no panel may query it; the retry-storm
 * scenario's retries are counted by its k6 clients, and the overview shows their amplification.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildDashboards, buildPrometheusRuleFiles, grafanaDatasourceUids } from '@lab/dashboards';
import { knownMetricNames } from '../src/metrics/known-metrics';
import { dashboardQueries, ruleQueries } from './support/query-inventory';
import { promqlMetricNames } from './support/grammars';

const dashboards = buildDashboards(grafanaDatasourceUids);
const promql = [...dashboards.flatMap((d) => dashboardQueries(d.dashboard)), ...ruleQueries(buildPrometheusRuleFiles())].filter(
  (q) => q.language === 'promql',
);

test('no query reads the Traefik retries counter, which Traefik never increments', () => {
  assert.equal(knownMetricNames.has('traefik_service_retries_total'), false);
  const readers = promql.filter((q) => promqlMetricNames(q.text).includes('traefik_service_retries_total')).map((q) => q.where);
  assert.deepEqual(readers, []);
});

test('the overview shows the retry-storm amplification from the k6 clients, per client strategy', () => {
  const amplification = promql.filter((q) => {
    const names = promqlMetricNames(q.text);
    return names.includes('k6_retry_attempts_total') && names.includes('k6_logical_requests_total');
  });
  assert.equal(amplification.length, 1, amplification.map((q) => q.where).join(', '));
  assert.match(amplification[0]!.where, /overview/i);
  assert.match(amplification[0]!.text, /sum by \(client_strategy\)[^/]+k6_retry_attempts_total[^/]+\/\s*sum by \(client_strategy\)/);
});
