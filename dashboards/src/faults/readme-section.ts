/**
 * The root README's "Failure lab" section, generated from the catalogue (`npm run render -w @lab/dashboards`
 * rewrites it; a test keeps the README equal to it), so no command, alert or panel name there is typed twice.
 */
import { failureLabPanelTitles } from '../dashboards/failure-lab';
import { clearFaultsCommand, faultConfigCommands, scenarioSwitchCommand } from './config-commands';
import { faultScenarios, scenarioConfigCommands, scenarioPanelTitle } from './scenarios';

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function failureLabMarkdown(): string {
  const example = faultScenarios[0]!;
  const rows = faultScenarios.map((s) =>
    [
      `\`${s.name}\``,
      s.summary,
      scenarioConfigCommands(s).map((c) => `\`${c.replace('pulumi config set --path ', '--path ')}\``).join('<br>'),
      `\`${s.k6.scenario}\``,
      `**${scenarioPanelTitle(s)}**`,
      s.alerts.map((a) => `\`${a.alert}\` (${a.severity}, within ${a.withinMinutes} min)`).join('<br>'),
      s.trace.look,
    ]
      .map(cell)
      .join(' | '),
  );
  return [
    '## Failure lab',
    '',
    'Faults are stack config, like every other knob: the program puts Toxiproxy between the replicas and Postgres, Redis and the',
    'Collector, and gives the service OpenFeature fault flags served by flagd; a fault controller makes Toxiproxy match the declared',
    'faults and reports them as metrics. `pulumi up` applies a change in seconds and replaces no data store and no replica; removing',
    'the config removes the fault. Each scenario of the catalogue (`dashboards/src/faults/scenarios.ts`) is a named set of faults:',
    '',
    '```sh',
    scenarioSwitchCommand(example.name),
    `${faultConfigCommands({ redis: { down: true } })[0]} && pulumi up   # or any fault by hand, on top of the scenario`,
    clearFaultsCommand,
    '```',
    '',
    'Drive traffic through it with the k6 scenario of its row (`pulumi config set k6Scenario soak && pulumi up` once: a soak runs',
    'for an hour, detached, while you switch faults). **Shop failure lab** in Grafana shows what is broken right now',
    `(**${failureLabPanelTitles.faultList}**, **${failureLabPanelTitles.toxiproxyTraffic}**, **${failureLabPanelTitles.flagEvaluations}**),`,
    'marks each change on the time axis, and has a row per scenario. Every alert below fires by the stated minute on series recorded',
    'from two real replicas under the real fault (`npm run rehearse`, results in infra-program/rehearsal/results/README.md), checked',
    'with `promtool test rules` after six hours of healthy traffic at the recorded rates, and stays quiet on the healthy recording. The',
    '[debugging walkthrough](dashboards/README.md#debugging-walkthrough-clicks-only) follows `db-latency` from the alert to the span.',
    '',
    '| scenario | what breaks | its faults (`pulumi config set --path ...`) | k6 | the panel that moves | alerts that fire | the trace that shows the cause |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...rows.map((r) => `| ${r} |`),
    '',
  ].join('\n');
}
