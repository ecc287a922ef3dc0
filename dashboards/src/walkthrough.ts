/**
 * The debugging walkthrough (clicks only) for the README, generated from the dashboards' own titles
 * so a renamed panel breaks a test instead of the instructions.
 */
import { exemplarTraceIdLabel } from './datasources';
import { drilldownPanelTitles } from './dashboards/drilldown';
import { overviewPanelTitles } from './dashboards/overview';
import { failureScenarios } from './dashboards/failure-scenarios';
import { fastPage } from './slo/burn-rate-policy';
import { serviceLevelObjectives } from './slo/slo';

export function walkthroughMarkdown(): string {
  const availability = serviceLevelObjectives[0]!;
  const errorScenario = failureScenarios.find((s) => s.routeRegex === '/simulate/error')!;
  const slowQuery = failureScenarios.find((s) => s.routeRegex === '/simulate/slow-query')!;
  return [
    '## Debugging walkthrough (clicks only)',
    '',
    `Start some failures: run the k6 \`failure-mix\` scenario, or call ${errorScenario.howToTrigger} and ${slowQuery.howToTrigger} a few times.`,
    '',
    '1. Open Grafana, **Dashboards**, then **Shop platform overview** (tag `observability-lab`).',
    `2. In **${overviewPanelTitles.errorRatio}**, find the spike. **Drag across it** to zoom the whole dashboard to that moment.`,
    `   The **${overviewPanelTitles.budget(availability.name)}** stat shows how much of the ${availability.windowDays}-day budget it cost; the burn-rate alerts page at ${fastPage.burnRate}x over ${fastPage.long}/${fastPage.short}.`,
    `3. Scroll to **${overviewPanelTitles.logs}**: it now lists only the warnings and errors of that moment.`,
    '   **Click a line** to expand it, then click the **Tempo** button next to its `trace_id` field (Loki derived field).',
    '4. The trace opens in a split view. The **SERVER span** `GET /simulate/error` (or the failing route) is red; expand it to see',
    '   the exception event. For a slow request, the **longest child span** is the culprit: a Postgres CLIENT span shows the',
    '   statement in `db.query.text`, a Redis span its command, and (with Traefik tracing on) the edge span above shows the time spent in Traefik.',
    '5. From the span, **Logs for this span** (Tempo -> Loki link) returns to the log lines of that trace; **Related metrics**',
    '   (Tempo -> Prometheus) opens the route\'s rate and latency.',
    '',
    'Other ways in:',
    '',
    `- In **Shop platform overview > ${overviewPanelTitles.latencyExemplars}** (or **Shop service drilldown > ${drilldownPanelTitles.latencyExemplars}**`,
    '  for one route), **hover a dot** on the p99 line: each dot is an exemplar Tempo\'s span metrics recorded with one real request.',
    `  The tooltip shows its \`${exemplarTraceIdLabel}\`; click the trace link next to it (**View trace**) to open that very request in Tempo.`,
    `  (**${overviewPanelTitles.latency}** comes from the service\'s own histogram, which has no exemplars.)`,
    `- **Click a series** in **${overviewPanelTitles.requestRate}** and choose **Drill into <route>**: the drilldown opens for that route, with its`,
    '  failing and slow traces, the slowest SQL statements, the cache hit ratio and errors by type (their data links open the logs).',
    '- **Shop failure lab** shows, per `/simulate/*` scenario, what it does to rate, errors, latency and its own signal.',
    '- **Shop service map** draws the service graph from Tempo\'s metrics generator; click a node or edge for its traces.',
    '',
  ].join('\n');
}
