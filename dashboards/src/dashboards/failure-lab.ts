/**
 * Failure lab: what is broken right now (declared faults, Toxiproxy traffic, flag evaluations), a row per
 * catalogue scenario (how to switch to it, what to expect, the panel that moves, traces of the cause), then
 * one row per /simulate/* endpoint showing what it does to metrics, traces and logs.
 */
import { RowBuilder, type DashboardBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import type { DatasourceUids } from '../datasources';
import { clearFaultsCommand, scenarioSwitchCommand } from '../faults/config-commands';
import { faultScenarios, scenarioConfigCommands, scenarioPanelTitle, scenarioTraceTitle, type FaultScenario } from '../faults/scenarios';
import { logsPanel, markdownPanel, promTablePanel, statPanel, timeSeriesPanel, traceTablePanel } from '../panels/panels';
import { faults, flagLabels, flags, toxiproxy } from '../queries/fault-queries';
import { http, logs, traces } from '../queries/service-queries';
import { serverSpans } from '../queries/span-metrics-queries';
import { serviceLabels } from '../metrics/service-metrics';
import { newDashboard } from './common';
import { dashboardUids } from './dashboard-uids';
import { faultChangeAnnotation } from './fault-annotations';
import { failureScenarios } from './failure-scenarios';

/** Titles other code (catalogue, walkthrough, README) refers to. */
export const failureLabPanelTitles = {
  brokenNow: 'What is broken right now',
  activeFaults: 'Active faults',
  faultList: 'Declared faults and their settings',
  toxiproxyTraffic: 'Toxiproxy traffic per proxy',
  flagEvaluations: 'Fault flag evaluations by flag and variant',
  controller: 'Fault controller: reconcile errors and Toxiproxy reachability',
} as const;

function brokenNowRow(builder: DashboardBuilder, uids: DatasourceUids): void {
  const t = failureLabPanelTitles;
  builder
    .withRow(new RowBuilder(t.brokenNow))
    .withPanel(
      statPanel(uids, {
        title: t.activeFaults,
        description: 'Faults the fault controller has declared (one per toxic, disabled proxy or fault flag). 0: the lab is healthy.',
        unit: 'short',
        query: { expr: faults.activeCount(), legend: 'active faults' },
        thresholds: [
          [null, 'green'],
          [1, 'orange'],
        ],
        size: { width: 4, height: 8 },
      }),
    )
    .withPanel(
      promTablePanel(uids, {
        title: t.faultList,
        description:
          'Each declared fault (link: the Toxiproxy proxy, or app for a fault flag; fault: the toxic type, down, or the flag key) and each of its settings ' +
          '(toxic attributes in Toxiproxy units: ms, KB/s, bytes, µs; toxicity; a flag\'s value). ' +
          'Orange markers on the time axis are the moments a new declaration was applied.',
        unit: 'short',
        queries: [
          { expr: faults.active(), instant: true, format: 'table' },
          { expr: faults.settings(), instant: true, format: 'table' },
        ],
        size: { width: 8, height: 8 },
      }),
    )
    .withPanel(
      timeSeriesPanel(uids, {
        title: t.toxiproxyTraffic,
        description:
          'Bytes/s Toxiproxy passed back to the clients, per proxy (postgres, redis, collector). Toxiproxy adds a connection\'s bytes when it closes, ' +
          'so pooled connections show as bursts, and a link that is down or resets connections shows its closes.',
        unit: 'Bps',
        queries: [
          { expr: toxiproxy.bytesToClients(), legend: 'to clients {{proxy}}' },
          { expr: toxiproxy.bytesToUpstreams(), legend: 'to upstream {{proxy}}' },
        ],
        size: { width: 6, height: 8 },
      }),
    )
    .withPanel(
      timeSeriesPanel(uids, {
        title: t.flagEvaluations,
        description:
          'Evaluations/s of each fault flag by the variant it resolved to (off: no fault). A flag turned on shows its on variant within seconds of pulumi up.',
        unit: 'ops',
        queries: [
          { expr: flags.evaluationsByVariant(), legend: `{{${flagLabels.key}}} {{${flagLabels.variant}}}` },
          { expr: flags.evaluationErrors(), legend: `error {{${flagLabels.key}}} {{${serviceLabels.errorType}}}` },
        ],
        size: { width: 6, height: 8 },
      }),
    )
    .withPanel(
      timeSeriesPanel(uids, {
        title: t.controller,
        description:
          'Reconciliations that failed, and whether Toxiproxy\'s API answered (1). A declared link fault is in effect only while no error shows; LabFaultsNotApplied fires otherwise.',
        unit: 'short',
        queries: [
          { expr: faults.reconcileErrors(), legend: 'reconcile errors' },
          { expr: faults.toxiproxyUp(), legend: 'Toxiproxy reachable' },
        ],
        size: { width: 24, height: 5 },
      }),
    );
}

function scenarioMarkdown(scenario: FaultScenario): string {
  const alerts = scenario.alerts.map((a) => `\`${a.alert}\` (${a.severity}) within ${a.withinMinutes} min`).join(', ');
  return [
    scenario.summary,
    '',
    `**Switch:** \`${scenarioSwitchCommand(scenario.name)}\` (traffic: \`pulumi config set k6Scenario ${scenario.k6.scenario}\`, ${scenario.k6.why}).`,
    `Or set the faults yourself: ${scenarioConfigCommands(scenario).map((c) => `\`${c}\``).join(', ')}. Back to healthy: \`${clearFaultsCommand}\`.`,
    '',
    `**Alerts:** ${alerts}.`,
    '',
    `**Trace:** ${scenario.trace.look}`,
  ].join('\n');
}

function catalogueRows(builder: DashboardBuilder, uids: DatasourceUids): void {
  for (const scenario of faultScenarios) {
    builder
      .withRow(new RowBuilder(`${scenario.name}: ${scenario.summary}`))
      .withPanel(markdownPanel({ title: `${scenario.name}: what to expect`, content: scenarioMarkdown(scenario), size: { width: 8, height: 9 } }))
      .withPanel(
        timeSeriesPanel(uids, {
          title: scenarioPanelTitle(scenario),
          description: scenario.panel.description,
          unit: scenario.panel.unit,
          queries: scenario.panel.queries,
          size: { width: scenario.trace.query ? 8 : 16, height: 9 },
        }),
      );
    if (scenario.trace.query) {
      builder.withPanel(
        traceTablePanel(uids, {
          title: scenarioTraceTitle(scenario),
          description: scenario.trace.look,
          query: { kind: 'traceql', query: scenario.trace.query, limit: 20 },
          size: { width: 8, height: 9 },
        }),
      );
    }
  }
}

function simulateRows(builder: DashboardBuilder, uids: DatasourceUids): void {
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
}

export function buildFailureLab(uids: DatasourceUids) {
  const builder = newDashboard(
    dashboardUids.failureLab,
    'Shop failure lab',
    'What is broken right now, the fault scenarios of the catalogue (switch with pulumi config set faultScenario <name> && pulumi up), and the /simulate/* endpoints.',
  ).annotation(faultChangeAnnotation(uids));
  brokenNowRow(builder, uids);
  catalogueRows(builder, uids);
  simulateRows(builder, uids);
  return builder
    .withRow(new RowBuilder('Traces and logs of all /simulate scenarios'))
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
