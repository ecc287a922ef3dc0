/**
 * Platform overview: is the shop healthy, and if not, where to look next. The walkthrough starts
 * here: spot the spike, drag over it, read the errors logged at that moment, open their trace.
 */
import { RowBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { profileReplicaLabel, serviceProfileTypes, type DatasourceUids } from '../datasources';
import { shopService } from '../service-identity';
import { serviceLabels } from '../metrics/service-metrics';
import { datasourceRefs } from '../panels/datasource-refs';
import { exploreUrl } from '../panels/explore-links';
import { logVolumePanel, logsPanel, profileSeriesPanel, statPanel, timeSeriesPanel } from '../panels/panels';
import { collector, k6, postgres, redis, traefik } from '../queries/platform-queries';
import { http, logs, runtime } from '../queries/service-queries';
import { serverSpans } from '../queries/span-metrics-queries';
import { spanMetricsLabels } from '../metrics/known/tempo-metrics-generator';
import { fastPage } from '../slo/burn-rate-policy';
import { sloRecords } from '../slo/rule-names';
import { serviceLevelObjectives } from '../slo/slo';
import { dashboardUrl, newDashboard } from './common';
import { dashboardUids } from './dashboard-uids';
import { faultChangeAnnotation } from './fault-annotations';

export const overviewPanelTitles = {
  budget: (sloName: string) => `Error budget left: ${sloName}`,
  requestRate: 'Request rate by route',
  errorRatio: 'Server error ratio by route',
  latency: 'Latency p50 / p95 / p99',
  latencyExemplars: 'Latency with exemplars (click a dot to open its trace)',
  logs: 'Warnings and errors (expand a line, open its trace)',
  profileCpu: 'CPU time per replica (profiles)',
  profileHeap: 'Heap in use per replica (profiles)',
} as const;

const green = 'green';
const red = 'red';
const orange = 'orange';

export function buildOverview(uids: DatasourceUids) {
  const ds = datasourceRefs(uids);
  const drilldownLink = {
    title: 'Drill into ${__field.labels.http_route}',
    url: dashboardUrl(dashboardUids.drilldown, { 'var-route': '${__field.labels.http_route:percentencode}' }),
  };
  const logsAtThisTime = {
    title: 'Errors logged in this time range',
    url: exploreUrl({ datasource: ds.loki, query: { expr: logs.errors() }, from: '${__from}', to: '${__to}' }),
  };

  const builder = newDashboard(
    dashboardUids.overview,
    'Shop platform overview',
    'Rate, errors and duration of shop-api, its edge, datastores, runtime, telemetry pipeline and load generator.',
  )
    .annotation(faultChangeAnnotation(uids))
    .withRow(new RowBuilder('Service level objectives'));

  for (const slo of serviceLevelObjectives) {
    builder.withPanel(
      statPanel(uids, {
        title: overviewPanelTitles.budget(slo.name),
        description: `${slo.description} Share of the ${slo.windowDays}-day error budget not yet spent; below 0 the SLO is missed.`,
        unit: 'percentunit',
        decimals: 1,
        query: { expr: `${sloRecords.errorBudgetRemaining}{slo="${slo.name}"}`, legend: slo.name },
        thresholds: [
          [null, red],
          [0.25, orange],
          [0.5, green],
        ],
      }),
    );
    builder.withPanel(
      statPanel(uids, {
        title: `Burn rate (${fastPage.long}): ${slo.name}`,
        description: `How many times faster than sustainable the budget burns over the last ${fastPage.long} (${fastPage.burnRate} pages with the ${fastPage.short} window).`,
        unit: 'x',
        decimals: 1,
        query: {
          expr: `${sloRecords.errorRatio(fastPage.long)}{slo="${slo.name}"} / on (slo) (1 - ${sloRecords.objective}{slo="${slo.name}"})`,
          legend: slo.name,
        },
        thresholds: [
          [null, green],
          [1, orange],
          [6, red],
        ],
      }),
    );
  }

  builder
    .withRow(new RowBuilder('Traffic, errors, duration (shop-api)'))
    .withPanel(
      timeSeriesPanel(uids, {
        title: overviewPanelTitles.requestRate,
        description: 'Requests per second by route, from http.server.request.duration. Click a series to drill into its route.',
        unit: 'reqps',
        queries: [{ expr: http.requestRate(), legend: '{{http_route}}' }],
        links: [drilldownLink],
        stacked: true,
      }),
    )
    .withPanel(
      timeSeriesPanel(uids, {
        title: overviewPanelTitles.errorRatio,
        description: 'Share of requests answered 5xx. Drag over a spike to zoom the whole dashboard, logs panel included.',
        unit: 'percentunit',
        min: 0,
        queries: [{ expr: http.errorRatio(), legend: '{{http_route}}' }],
        links: [drilldownLink, logsAtThisTime],
      }),
    )
    .withPanel(
      timeSeriesPanel(uids, {
        title: overviewPanelTitles.latency,
        description:
          'Quantiles over all routes, from the service\'s http.server.request.duration (the SLOs\' histogram). It has no exemplars: to open a trace, use the exemplar panel below.',
        unit: 's',
        queries: [
          { expr: http.quantile(0.5, undefined, serviceLabels.job), legend: 'p50' },
          { expr: http.quantile(0.95, undefined, serviceLabels.job), legend: 'p95' },
          { expr: http.quantile(0.99, undefined, serviceLabels.job), legend: 'p99' },
        ],
      }),
    )
    .withPanel(
      timeSeriesPanel(uids, {
        title: 'p99 latency by route',
        description: 'Which route is slow.',
        unit: 's',
        queries: [{ expr: http.quantile(0.99), legend: '{{http_route}}' }],
        links: [drilldownLink],
      }),
    )
    .withPanel(
      timeSeriesPanel(uids, {
        title: overviewPanelTitles.latencyExemplars,
        description:
          'p95 and p99 of shop-api SERVER spans from Tempo\'s span metrics, which carry exemplars. Each dot is one real request: hover it and click the trace link to open that trace in Tempo.',
        unit: 's',
        size: { width: 24, height: 8 },
        queries: [
          { expr: serverSpans.latencyQuantile(0.95, undefined, spanMetricsLabels.service), legend: 'p95 (spans)' },
          {
            expr: serverSpans.latencyQuantile(0.99, undefined, spanMetricsLabels.service),
            legend: 'p99 (spans)',
            exemplars: true,
          },
        ],
      }),
    )
    .withPanel(
      timeSeriesPanel(uids, {
        title: 'Responses by status code',
        description: 'All routes except probes.',
        unit: 'reqps',
        stacked: true,
        queries: [{ expr: http.byStatus(), legend: '{{http_response_status_code}}' }],
      }),
    )
    .withPanel(
      timeSeriesPanel(uids, {
        title: 'Traffic per replica',
        description: 'Requests per second each replica served (service.instance.id); Traefik spreads load across them.',
        unit: 'reqps',
        queries: [{ expr: http.perInstance(), legend: '{{instance}}' }],
      }),
    )
    .withRow(new RowBuilder('Edge (Traefik)'))
    .withPanel(
      timeSeriesPanel(uids, {
        title: 'Edge requests by status code',
        description: 'What clients saw at Traefik, including requests that never reached a replica.',
        unit: 'reqps',
        stacked: true,
        queries: [{ expr: traefik.requestsByCode(), legend: '{{service}} {{code}}' }],
        size: { width: 8, height: 8 },
      }),
    )
    .withPanel(
      timeSeriesPanel(uids, {
        title: 'Edge p95 latency',
        description: 'Traefik service request duration, p95.',
        unit: 's',
        queries: [{ expr: traefik.p95(), legend: '{{service}}' }],
        size: { width: 8, height: 8 },
      }),
    )
    .withPanel(
      timeSeriesPanel(uids, {
        title: 'Replicas up behind Traefik',
        description: 'traefik_service_server_up per backend URL (1 = healthy).',
        unit: 'short',
        queries: [{ expr: traefik.backendsUp(), legend: '{{url}}' }],
        size: { width: 8, height: 8 },
      }),
    )
    .withRow(new RowBuilder('Datastores'))
    .withPanel(
      statPanel(uids, {
        title: 'Postgres up',
        description: 'pg_up from postgres-exporter.',
        unit: 'bool_yes_no',
        query: { expr: postgres.up() },
        thresholds: [
          [null, red],
          [1, green],
        ],
        size: { width: 4, height: 5 },
      }),
    )
    .withPanel(
      statPanel(uids, {
        title: 'Redis up',
        description: 'redis_up from redis_exporter.',
        unit: 'bool_yes_no',
        query: { expr: redis.up() },
        thresholds: [
          [null, red],
          [1, green],
        ],
        size: { width: 4, height: 5 },
      }),
    )
    .withPanel(
      statPanel(uids, {
        title: 'Postgres connections used',
        description: 'Backends connected / max_connections: saturation of the connection slots.',
        unit: 'percentunit',
        query: { expr: postgres.connectionsUsed() },
        thresholds: [
          [null, green],
          [0.7, orange],
          [0.9, red],
        ],
        size: { width: 4, height: 5 },
      }),
    )
    .withPanel(
      statPanel(uids, {
        title: 'Redis memory used',
        description: 'used_memory / maxmemory (empty when maxmemory is unlimited).',
        unit: 'percentunit',
        query: { expr: redis.memoryUsedRatio() },
        thresholds: [
          [null, green],
          [0.8, orange],
          [0.95, red],
        ],
        size: { width: 4, height: 5 },
      }),
    )
    .withPanel(
      statPanel(uids, {
        title: 'Postgres buffer hit ratio',
        description: 'Blocks found in shared buffers vs read from disk.',
        unit: 'percentunit',
        query: { expr: postgres.bufferHitRatio() },
        thresholds: [
          [null, orange],
          [0.9, green],
        ],
        size: { width: 4, height: 5 },
      }),
    )
    .withPanel(
      statPanel(uids, {
        title: 'Redis keyspace hit ratio',
        description: 'keyspace_hits / (hits + misses).',
        unit: 'percentunit',
        query: { expr: redis.keyspaceHitRatio() },
        thresholds: [
          [null, orange],
          [0.5, green],
        ],
        size: { width: 4, height: 5 },
      }),
    )
    .withPanel(
      timeSeriesPanel(uids, {
        title: 'Postgres activity',
        description: 'Connections by state, commits and rollbacks per second, deadlocks, longest open transaction.',
        unit: 'short',
        queries: [
          { expr: postgres.connectionsByState(), legend: 'connections {{state}}' },
          { expr: postgres.transactions(), legend: 'commits/s' },
          { expr: postgres.rollbacks(), legend: 'rollbacks/s' },
          { expr: postgres.deadlocks(), legend: 'deadlocks' },
          { expr: postgres.longestTransaction(), legend: 'longest transaction (s)' },
        ],
      }),
    )
    .withPanel(
      timeSeriesPanel(uids, {
        title: 'Redis activity',
        description: 'Commands and evictions per second, connected clients, memory.',
        unit: 'short',
        queries: [
          { expr: redis.commands(), legend: 'commands/s' },
          { expr: redis.evictions(), legend: 'evictions/s' },
          { expr: redis.clients(), legend: 'clients' },
          { expr: redis.memoryUsed(), legend: 'memory used (bytes)' },
        ],
      }),
    )
    .withRow(new RowBuilder('Node runtime'))
    .withPanel(
      timeSeriesPanel(uids, {
        title: 'Event loop delay p99',
        description: 'A blocked event loop delays every request on that replica (see /simulate/heavy-task).',
        unit: 's',
        queries: [{ expr: runtime.eventLoopDelayP99(), legend: '{{instance}}' }],
        size: { width: 6, height: 8 },
      }),
    )
    .withPanel(
      timeSeriesPanel(uids, {
        title: 'Event loop utilization',
        description: 'Share of time the loop was busy.',
        unit: 'percentunit',
        min: 0,
        max: 1,
        queries: [{ expr: runtime.eventLoopUtilization(), legend: '{{instance}}' }],
        size: { width: 6, height: 8 },
      }),
    )
    .withPanel(
      timeSeriesPanel(uids, {
        title: 'V8 heap used',
        description: 'Heap in use per replica.',
        unit: 'bytes',
        queries: [{ expr: runtime.heapUsed(), legend: '{{instance}}' }],
        size: { width: 6, height: 8 },
      }),
    )
    .withPanel(
      timeSeriesPanel(uids, {
        title: 'Time in GC',
        description: 'Seconds of garbage collection per second.',
        unit: 'percentunit',
        queries: [{ expr: runtime.gcTimeRatio(), legend: '{{instance}}' }],
        size: { width: 6, height: 8 },
      }),
    )
    .withRow(new RowBuilder('Profiles (Pyroscope)'))
    .withPanel(
      profileSeriesPanel(uids, {
        title: overviewPanelTitles.profileCpu,
        description:
          'CPU time the wall profiler sampled on each replica. To see which functions burned it, open Explore on Pyroscope with the same profile type: its flame graph (filter a span with "Profiles for this span" from a trace).',
        unit: 'ns',
        query: { profileTypeId: serviceProfileTypes.cpu, labelSelector: `{service_name="${shopService.name}"}`, groupBy: [profileReplicaLabel] },
      }),
    )
    .withPanel(
      profileSeriesPanel(uids, {
        title: overviewPanelTitles.profileHeap,
        description: 'Heap in use as the sampling heap profiler saw it on each replica; its flame graph names the allocation sites still holding memory.',
        unit: 'bytes',
        query: { profileTypeId: serviceProfileTypes.heap, labelSelector: `{service_name="${shopService.name}"}`, groupBy: [profileReplicaLabel] },
      }),
    )
    .withRow(new RowBuilder('Telemetry pipeline (OpenTelemetry Collector)'))
    .withPanel(
      timeSeriesPanel(uids, {
        title: 'Collector accepted',
        description: 'Items the receivers pushed into the pipelines, per signal.',
        unit: 'short',
        queries: collector.accepted(),
        size: { width: 8, height: 8 },
      }),
    )
    .withPanel(
      timeSeriesPanel(uids, {
        title: 'Collector refused',
        description: 'Items receivers refused (memory limiter, back-pressure): the sender may have lost them.',
        unit: 'short',
        queries: collector.refused(),
        size: { width: 8, height: 8 },
      }),
    )
    .withPanel(
      timeSeriesPanel(uids, {
        title: 'Collector dropped',
        description: 'Items exporters failed to send or could not queue, plus queue fill per exporter.',
        unit: 'short',
        queries: [...collector.dropped(), { expr: collector.queueFill(), legend: 'queue fill {{exporter}}' }],
        size: { width: 8, height: 8 },
      }),
    )
    .withRow(new RowBuilder('Load generator (k6)'))
    .withPanel(
      timeSeriesPanel(uids, {
        title: 'Virtual users and request rate',
        description: 'k6 remote-write output: active VUs and requests per second by scenario.',
        unit: 'short',
        queries: [
          { expr: k6.virtualUsers(), legend: 'VUs' },
          { expr: k6.requestRate(), legend: 'req/s {{scenario}}' },
        ],
        size: { width: 8, height: 8 },
      }),
    )
    .withPanel(
      timeSeriesPanel(uids, {
        title: 'Failed checks and requests (k6)',
        description: 'Share of k6 checks that failed and of requests k6 counted as failed.',
        unit: 'percentunit',
        min: 0,
        queries: [
          { expr: k6.failedChecks(), legend: 'failed checks' },
          { expr: k6.failedRequests(), legend: 'failed requests' },
        ],
        size: { width: 8, height: 8 },
      }),
    )
    .withPanel(
      timeSeriesPanel(uids, {
        title: 'Client-side p99 (k6)',
        description: 'Latency as the load generator measured it, through Traefik.',
        unit: 's',
        queries: [{ expr: k6.p99(), legend: '{{scenario}}' }],
        size: { width: 8, height: 8 },
      }),
    )
    .withPanel(
      timeSeriesPanel(uids, {
        title: 'Retry amplification (k6 retry-storm)',
        description:
          'HTTP attempts per logical request, by client strategy: 1 means no retries. The retries happen in the ' +
          'clients, so they are counted there; Traefik retries nothing (no retry middleware at the edge).',
        unit: 'short',
        min: 0,
        queries: [{ expr: k6.retryAmplification(), legend: '{{client_strategy}}' }],
        size: { width: 8, height: 8 },
      }),
    )
    .withRow(new RowBuilder('Logs'))
    .withPanel(
      logVolumePanel(uids, {
        title: 'Log volume by severity',
        description: 'Lines per severity from Loki (OTLP logs of shop-api).',
        queries: [{ expr: logs.volumeBySeverity(), legend: '{{severity_text}}' }],
        size: { width: 24, height: 6 },
      }),
    )
    .withPanel(
      logsPanel(uids, {
        title: overviewPanelTitles.logs,
        description:
          'shop-api warnings and errors for the selected time range. Expand a line: its trace_id field links to the trace in Tempo.',
        query: { expr: logs.warningsAndErrors(), maxLines: 500 },
      }),
    );
  return builder;
}
