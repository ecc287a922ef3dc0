/**
 * The debugging walkthrough (clicks only) for the README, generated from the dashboards' own titles and
 * the fault catalogue, so a renamed panel, alert or scenario breaks a test instead of the instructions.
 * It follows one catalogue scenario, db-latency, from the alert to the span that shows the cause.
 */
import { exemplarTraceIdLabel, profileIdAttribute } from './datasources';
import { drilldownPanelTitles } from './dashboards/drilldown';
import { failureLabPanelTitles } from './dashboards/failure-lab';
import { faultChangeAnnotationName } from './dashboards/fault-annotations';
import { overviewPanelTitles } from './dashboards/overview';
import { clearFaultsCommand, scenarioSwitchCommand } from './faults/config-commands';
import { faultScenario, scenarioConfigCommands, scenarioPanelTitle, scenarioTraceTitle } from './faults/scenarios';
import { fastPage } from './slo/burn-rate-policy';
import { serviceLevelObjectives } from './slo/slo';

/** The scenario the walkthrough follows. */
export const walkthroughScenario = faultScenario('db-latency');

export function walkthroughMarkdown(): string {
  const availability = serviceLevelObjectives[0]!;
  const s = walkthroughScenario;
  const alert = s.alerts[0]!;
  const latency = s.faults.postgres?.latencyMs;
  return [
    '## Debugging walkthrough (clicks only)',
    '',
    `Break something on purpose with the failure lab's \`${s.name}\` scenario: ${s.summary.charAt(0).toLowerCase()}${s.summary.slice(1)}`,
    '',
    '```sh',
    `pulumi config set k6Scenario ${s.k6.scenario} && pulumi up   # traffic: ${s.k6.why}`,
    scenarioSwitchCommand(s.name),
    '```',
    '',
    `(the same as ${scenarioConfigCommands(s).map((c) => `\`${c}\``).join(' and ')}). Only the fault controller's container is replaced: no data store, no replica.`,
    '',
    `1. Within ${alert.withinMinutes} minutes \`${alert.alert}\` fires (severity \`${alert.severity}\`): Grafana, **Alerting**, or Alertmanager's UI; its \`dashboard\` annotation points at **Shop failure lab**.`,
    `2. Open **Shop platform overview**. In **${overviewPanelTitles.latency}** p95 and p99 climb (the requests that read Postgres) while p50, mostly cached item reads, may barely move; the orange`,
    `   **${faultChangeAnnotationName}** marker on the time axis is the moment the fault was applied. **Drag across** the rise to zoom to it.`,
    `   (The **${overviewPanelTitles.budget(availability.name)}** stat does not move: nothing fails, it is slow; the burn-rate alerts page at ${fastPage.burnRate}x over ${fastPage.long}/${fastPage.short}.)`,
    `3. In **${overviewPanelTitles.requestRate}**, **click a slow route** (\`/api/orders\`, several statements a request) and choose **Drill into <route>**:`,
    `   in **Shop service drilldown**, **${drilldownPanelTitles.slowestSql}** shows every statement slow by about the same amount, the cheap ones too.`,
    `4. Open a trace from **${drilldownPanelTitles.slowTraces}**: the SERVER span is almost all Postgres CLIENT spans, and each one is at least`,
    `   ${latency} ms whatever its \`db.query.text\`, a primary-key SELECT included. A slow statement would stand out alone; all of them slow at once means the`,
    '   time is spent between the service and the database, not in it.',
    `5. Confirm it on **Shop failure lab**: **${failureLabPanelTitles.faultList}** lists \`postgres\` \`latency\` with \`latency\` = ${latency},`,
    `   **${scenarioPanelTitle(s)}** shows the share of slow statements jump, and **${scenarioTraceTitle(s)}** lists more traces like yours.`,
    `6. Back on the trace, open the SERVER span's links and choose **Related profiles** (Tempo -> Pyroscope, offered on spans with a`,
    `   \`${profileIdAttribute}\` attribute: each request's root span): the flame graph of that very request's samples, selected by its \`span_id\`.`,
    '   It is thin (a few samples of the route handler and the Postgres driver): the request burned little CPU and spent its time waiting,',
    '   which fits a slow link. Compare a `cpu-hog` run, where the CPU flame graph of the whole replica is the hog\'s `spin`, outside any span.',
    `7. Heal it: \`${clearFaultsCommand}\`. The alert resolves once the share of slow statements falls back, and a second marker shows when.`,
    '',
    'Other ways in:',
    '',
    `- In **Shop platform overview > ${overviewPanelTitles.latencyExemplars}** (or **Shop service drilldown > ${drilldownPanelTitles.latencyExemplars}**`,
    '  for one route), **hover a dot** on the p99 line: each dot is an exemplar Tempo\'s span metrics recorded with one real request.',
    `  The tooltip shows its \`${exemplarTraceIdLabel}\`; click the trace link next to it (**View trace**) to open that very request in Tempo.`,
    `  (**${overviewPanelTitles.latency}** comes from the service\'s own histogram, which has no exemplars.)`,
    `- For failures rather than slowness (the \`error-burst\` or \`db-outage\` scenario), start from **${overviewPanelTitles.errorRatio}** and`,
    `  **${overviewPanelTitles.logs}**: **click a line** to expand it, then the **Tempo** button next to its \`trace_id\` field (Loki derived field);`,
    '  from a span, **Logs for this span** (Tempo -> Loki) returns to its log lines and **Related metrics** (Tempo -> Prometheus) to its route.',
    `- For \`cpu-hog\` and \`memory-leak\`, which no trace explains, start from **Shop platform overview > ${overviewPanelTitles.profileCpu}**`,
    `  and **${overviewPanelTitles.profileHeap}**, then open Explore on **Pyroscope** (\`service_name="shop-api"\`) for the flame graph the`,
    '  scenario table names (the profile that shows the cause).',
    '- **Shop failure lab** has a row per scenario of the catalogue (how to switch, what to expect, its panel and traces) and one per `/simulate/*` endpoint.',
    '- **Shop service map** draws the service graph from Tempo\'s metrics generator; click a node or edge for its traces.',
    '',
  ].join('\n');
}
