/** Failure lab: one row per /simulate/* scenario showing what it does to metrics, traces and logs. */
import { RowBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import type { DatasourceUids } from '../datasources';
import { logsPanel, markdownPanel, timeSeriesPanel, traceTablePanel } from '../panels/panels';
import { http, logs, traces } from '../queries/service-queries';
import { serverSpans } from '../queries/span-metrics-queries';
import { newDashboard } from './common';
import { dashboardUids } from './dashboard-uids';
import { failureScenarios } from './failure-scenarios';

export function buildFailureLab(uids: DatasourceUids) {
  const builder = newDashboard(
    dashboardUids.failureLab,
    'Shop failure lab',
    'Trigger a /simulate/* scenario (or run the k6 failure-mix) and watch its signals side by side.',
  );
  for (const scenario of failureScenarios) {
    builder
      .withRow(new RowBuilder(`${scenario.title} (${scenario.routeRegex})`))
      .withPanel(
        markdownPanel({
          title: scenario.title,
          content: `**Trigger:** ${scenario.howToTrigger}\n\n**Expect:** ${scenario.whatToExpect}`,
          size: { width: 6, height: 8 },
        }),
      )
      .withPanel(
        timeSeriesPanel(uids, {
          title: `${scenario.title}: rate and errors`,
          description: 'Requests/s of the scenario route(s) by status code.',
          unit: 'reqps',
          stacked: true,
          size: { width: 6, height: 8 },
          queries: [{ expr: http.byStatus(scenario.routeRegex), legend: '{{http_response_status_code}}' }],
        }),
      )
      .withPanel(
        timeSeriesPanel(uids, {
          title: `${scenario.title}: latency`,
          description:
            'p50 and p99 of the scenario route(s) from the service histogram, plus p99 of their SERVER spans from Tempo span metrics, whose exemplar dots open traces.',
          unit: 's',
          size: { width: 6, height: 8 },
          queries: [
            { expr: http.quantile(0.5, scenario.routeRegex), legend: 'p50 {{http_route}}' },
            { expr: http.quantile(0.99, scenario.routeRegex), legend: 'p99 {{http_route}}' },
            { expr: serverSpans.latencyQuantile(0.99, scenario.routeRegex), legend: 'p99 spans {{span_name}}', exemplars: true },
          ],
        }),
      )
      .withPanel(
        timeSeriesPanel(uids, {
          title: `${scenario.title}: ${scenario.signal.title}`,
          description: scenario.whatToExpect,
          unit: scenario.signal.unit,
          size: { width: 6, height: 8 },
          queries: scenario.signal.queries,
        }),
      );
  }
  return builder
    .withRow(new RowBuilder('Traces and logs of all scenarios'))
    .withPanel(
      traceTablePanel(uids, {
        title: 'Recent /simulate traces that failed',
        description: 'Click a trace id for the waterfall.',
        query: { kind: 'traceql', query: traces.failingRequests('/simulate/.*'), limit: 30 },
      }),
    )
    .withPanel(
      traceTablePanel(uids, {
        title: 'Recent /simulate traces over 500 ms',
        description: 'Slow scenario requests.',
        query: { kind: 'traceql', query: traces.slowRequests('/simulate/.*', '500ms'), limit: 30 },
      }),
    )
    .withPanel(
      logsPanel(uids, {
        title: 'Scenario logs',
        description: 'Lines mentioning /simulate; expand one to jump to its trace.',
        query: { expr: logs.containing('/simulate'), maxLines: 300 },
      }),
    );
}
