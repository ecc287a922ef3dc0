/** Service map from Tempo's metrics generator (service graph + span metrics in Prometheus). */
import { RowBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import type { DatasourceUids } from '../datasources';
import { promTablePanel, serviceMapPanel, timeSeriesPanel } from '../panels/panels';
import { serviceGraph } from '../queries/platform-queries';
import { shopService } from '../service-identity';
import { newDashboard } from './common';
import { dashboardUids } from './dashboard-uids';

export function buildServiceMap(uids: DatasourceUids) {
  return newDashboard(
    dashboardUids.serviceMap,
    'Shop service map',
    'Who calls whom, how often, how slowly and how often it fails, from traces (Tempo metrics generator).',
  )
    .withRow(new RowBuilder('Service graph'))
    .withPanel(
      serviceMapPanel(uids, {
        title: 'Service map',
        description:
          "Tempo's service graph: nodes are services and databases, edges carry rate, errors and latency. Click a node for its traces and metrics.",
      }),
    )
    .withPanel(
      timeSeriesPanel(uids, {
        title: 'Edge request rate',
        description: 'traces_service_graph_request_total per client -> server edge.',
        unit: 'reqps',
        size: { width: 8, height: 8 },
        queries: [{ expr: serviceGraph.requestRate(), legend: '{{client}} -> {{server}}' }],
      }),
    )
    .withPanel(
      timeSeriesPanel(uids, {
        title: 'Edge failure ratio',
        description: 'Failed share per edge.',
        unit: 'percentunit',
        size: { width: 8, height: 8 },
        queries: [{ expr: serviceGraph.failedRatio(), legend: '{{client}} -> {{server}}' }],
      }),
    )
    .withPanel(
      timeSeriesPanel(uids, {
        title: 'Edge p95 (server side)',
        description: 'Server-side duration per edge, p95.',
        unit: 's',
        size: { width: 8, height: 8 },
        queries: [{ expr: serviceGraph.serverP95(), legend: '{{client}} -> {{server}}' }],
      }),
    )
    .withRow(new RowBuilder('Span metrics'))
    .withPanel(
      promTablePanel(uids, {
        title: 'Slowest span names (p95)',
        description: 'traces_spanmetrics_latency p95 by span name: SQL, Redis commands and routes side by side.',
        unit: 's',
        queries: [{ expr: serviceGraph.spanP95(shopService.name), instant: true, format: 'table' }],
      }),
    )
    .withPanel(
      timeSeriesPanel(uids, {
        title: 'Span calls by kind and status',
        description: 'traces_spanmetrics_calls_total by span kind and status code.',
        unit: 'ops',
        stacked: true,
        queries: [{ expr: serviceGraph.callsByStatus(shopService.name), legend: '{{span_kind}} {{status_code}}' }],
      }),
    );
}
