/**
 * Service drilldown for one route (or all): latency with exemplars that open the trace (from Tempo's
 * span metrics; the service's own histogram has none), failing and
 * slow traces, the slowest SQL, cache efficiency and errors by type with a link to their logs.
 */
import { QueryVariableBuilder, RowBuilder, VariableRefresh, VariableSort } from '@grafana/grafana-foundation-sdk/dashboard';
import type { DatasourceUids } from '../datasources';
import { serviceLabels, serviceProm } from '../metrics/service-metrics';
import { datasourceRefs } from '../panels/datasource-refs';
import { exploreUrl } from '../panels/explore-links';
import { logsPanel, promTablePanel, statPanel, timeSeriesPanel, traceTablePanel } from '../panels/panels';
import { caching, database, http, httpMatchers, logs, orders, routeVariable, traces } from '../queries/service-queries';
import { serverSpans } from '../queries/span-metrics-queries';

export const drilldownPanelTitles = {
  latencyExemplars: 'Latency with exemplars',
  latency: 'Latency p50 / p95 / p99 by route',
  slowTraces: 'Slow requests over 500 ms (traces)',
  slowestSql: 'Slowest SQL statements (p95)',
} as const;
import { newDashboard } from './common';
import { dashboardUids } from './dashboard-uids';

/** The variable's own query: every route the service reported (probes excluded). */
export const routeVariableQuery = `label_values(${serviceProm.httpServerRequestDuration}_count${httpMatchers()}, ${serviceLabels.route})`;

export function buildDrilldown(uids: DatasourceUids) {
  const ds = datasourceRefs(uids);
  const route = routeVariable;
  const errorLogs = {
    title: 'Error logs in this time range',
    url: exploreUrl({ datasource: ds.loki, query: { expr: logs.errors() }, from: '${__from}', to: '${__to}' }),
  };
  const failingTraces = {
    title: 'Failing traces of ${__field.labels.http_route}',
    url: exploreUrl({
      datasource: ds.tempo,
      query: { queryType: 'traceql', query: traces.failingRequests('${__field.labels.http_route}') },
      from: '${__from}',
      to: '${__to}',
    }),
  };

  return newDashboard(
    dashboardUids.drilldown,
    'Shop service drilldown',
    'One route of shop-api: latency with exemplars, traces, SQL, cache and errors.',
  )
    .withVariable(
      new QueryVariableBuilder('route')
        .label('Route')
        .description('http.route of the SERVER spans and the duration histogram')
        .datasource(ds.prometheus)
        .query(routeVariableQuery)
        .definition(routeVariableQuery)
        .refresh(VariableRefresh.OnTimeRangeChanged)
        .sort(VariableSort.AlphabeticalAsc)
        .includeAll(true)
        .allValue('.*')
        .current({ selected: true, text: 'All', value: '$__all' }),
    )
    .withRow(new RowBuilder('Rate, errors, duration for ${route}'))
    .withPanel(
      statPanel(uids, {
        title: 'Requests/s',
        description: 'Current request rate of the selected route(s).',
        unit: 'reqps',
        query: { expr: http.requestRate(route, serviceLabels.job) },
        thresholds: [[null, 'blue']],
      }),
    )
    .withPanel(
      statPanel(uids, {
        title: 'Server error ratio',
        description: '5xx share of the selected route(s).',
        unit: 'percentunit',
        query: { expr: http.errorRatio(route, serviceLabels.job) },
        thresholds: [
          [null, 'green'],
          [0.005, 'orange'],
          [0.05, 'red'],
        ],
      }),
    )
    .withPanel(
      statPanel(uids, {
        title: 'p99 latency',
        description: 'p99 of the selected route(s).',
        unit: 's',
        query: { expr: http.quantile(0.99, route, serviceLabels.job) },
        thresholds: [
          [null, 'green'],
          [0.25, 'orange'],
          [0.5, 'red'],
        ],
      }),
    )
    .withPanel(
      statPanel(uids, {
        title: 'Cache hit ratio',
        description: 'Redis read-through cache for GET /api/items/:id.',
        unit: 'percentunit',
        query: { expr: caching.hitRatio() },
        thresholds: [
          [null, 'orange'],
          [0.5, 'green'],
        ],
      }),
    )
    .withPanel(
      timeSeriesPanel(uids, {
        title: drilldownPanelTitles.latencyExemplars,
        description:
          'p50/p99 of the route\'s SERVER spans (span name `<METHOD> <route>`) from Tempo\'s span metrics. Each dot is an exemplar of a real request: hover it and click the trace link to open that trace in Tempo.',
        unit: 's',
        size: { width: 16, height: 10 },
        queries: [
          { expr: serverSpans.latencyQuantile(0.5, route), legend: 'p50 {{span_name}}' },
          { expr: serverSpans.latencyQuantile(0.99, route), legend: 'p99 {{span_name}}', exemplars: true },
        ],
      }),
    )
    .withPanel(
      timeSeriesPanel(uids, {
        title: 'Requests by status code',
        description: 'Status codes of the selected route(s).',
        unit: 'reqps',
        stacked: true,
        size: { width: 8, height: 10 },
        queries: [{ expr: http.byStatus(route), legend: '{{http_response_status_code}}' }],
      }),
    )
    .withPanel(
      timeSeriesPanel(uids, {
        title: drilldownPanelTitles.latency,
        description:
          'p50/p95/p99 per route from the service\'s http.server.request.duration (the SLOs\' histogram; no exemplars, see the panel above for trace links).',
        unit: 's',
        size: { width: 24, height: 8 },
        queries: [
          { expr: http.quantile(0.5, route), legend: 'p50 {{http_route}}' },
          { expr: http.quantile(0.95, route), legend: 'p95 {{http_route}}' },
          { expr: http.quantile(0.99, route), legend: 'p99 {{http_route}}' },
        ],
        links: [failingTraces],
      }),
    )
    .withRow(new RowBuilder('Traces'))
    .withPanel(
      traceTablePanel(uids, {
        title: 'Failing requests (traces)',
        description: 'SERVER spans of the route that ended in error. Click a trace id to open the waterfall.',
        query: { kind: 'traceql', query: traces.failingRequests(route), limit: 20 },
      }),
    )
    .withPanel(
      traceTablePanel(uids, {
        title: drilldownPanelTitles.slowTraces,
        description: 'Requests slower than the latency SLO threshold.',
        query: { kind: 'traceql', query: traces.slowRequests(route, '500ms'), limit: 20 },
      }),
    )
    .withRow(new RowBuilder('Database and cache'))
    .withPanel(
      promTablePanel(uids, {
        title: drilldownPanelTitles.slowestSql,
        description: 'db.client.operation.duration p95 by operation and table, slowest first.',
        unit: 's',
        queries: [{ expr: database.slowestStatements(0.95), instant: true, format: 'table' }],
      }),
    )
    .withPanel(
      traceTablePanel(uids, {
        title: 'Slow SQL spans over 100 ms',
        description: 'CLIENT spans to Postgres with their statement text (db.query.text).',
        query: { kind: 'traceql', query: traces.slowSql('100ms'), limit: 20, table: 'spans' },
      }),
    )
    .withPanel(
      timeSeriesPanel(uids, {
        title: 'Database calls and p99 by operation',
        description: 'Query rate by operation/table and p99 by operation.',
        unit: 'short',
        queries: [
          { expr: database.callRate(), legend: '{{db_operation_name}} {{db_collection_name}}/s' },
          { expr: database.p99ByOperation(), legend: 'p99 {{db_operation_name}} (s)' },
        ],
      }),
    )
    .withPanel(
      timeSeriesPanel(uids, {
        title: 'Cache lookups by result',
        description: 'hit / miss / error per second (errors mean Redis is down and reads fall back to Postgres).',
        unit: 'ops',
        stacked: true,
        queries: [{ expr: caching.lookupsByResult(), legend: '{{cache_result}}' }],
      }),
    )
    .withRow(new RowBuilder('Errors'))
    .withPanel(
      timeSeriesPanel(uids, {
        title: 'Errors by type',
        description: 'HTTP 4xx/5xx by route and status, database errors by error.type, orders by outcome. Click a series for its logs or failing traces.',
        unit: 'short',
        queries: [
          { expr: http.errorsByType(route), legend: '{{http_route}} {{http_response_status_code}}' },
          { expr: database.errorsByType(), legend: 'db {{db_operation_name}} {{error_type}}' },
          { expr: orders.byOutcome(), legend: 'orders {{order_outcome}}' },
        ],
        links: [errorLogs, failingTraces],
      }),
    )
    .withPanel(
      logsPanel(uids, {
        title: 'Error logs',
        description: 'shop-api error lines; expand one and follow trace_id to Tempo.',
        query: { expr: logs.errors(), maxLines: 200 },
        size: { width: 12, height: 8 },
      }),
    );
}
