/**
 * The root README's "Failure lab" section, generated from the catalogue (`npm run render -w @lab/dashboards`
 * rewrites it; a test keeps the README equal to it), so no command, alert or panel name there is typed twice.
 */
import { faultLinks } from '@lab/service/failure-lab';
import { failureLabPanelTitles } from '../dashboards/failure-lab';
import { clearFaultsCommand, faultConfigCommands, scenarioSwitchCommand } from './config-commands';
import { faultScenarios, scenarioConfigCommands, scenarioPanelTitle } from './scenarios';

/**
 * What service/test/flag-propagation.test.ts printed on a run (`ℹ flag file change to every replica: ...`),
 * copied here by hand: the figure is a measurement, so nothing recomputes it at render time.
 */
export const measuredFlagPropagation = {
  summary: 'a median of 20 ms and at most 84 ms over 10 changes with 2 replicas',
  command: 'npm run build -w @lab/service && cd service && node --import tsx --test test/flag-propagation.test.ts',
} as const;

/**
 * What the rehearsal measured for the link-fault scenarios (infra-program/rehearsal/results, "Toxiproxy held the
 * declaration after": from stopping the fault controller, as `pulumi up` replaces it, to Toxiproxy holding the
 * new declaration), copied here by hand; infra-program's rehearsal-recordings test holds it to the recordings.
 */
export const measuredLinkFaultApply = { fastestMs: 686, slowestMs: 2737 } as const;

/** The catalogue's scenarios that change a link (Toxiproxy), not only flags. */
export const linkFaultScenarios = faultScenarios.filter((s) => faultLinks.some((link) => s.faults[link] !== undefined));

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
      s.profile ? `**${s.profile.type}**: ${s.profile.look}` : '',
    ]
      .map(cell)
      .join(' | '),
  );
  return [
    '## Failure lab',
    '',
    'Faults are stack config, like every other knob: the program puts Toxiproxy between the replicas and Postgres, Redis and the',
    'Collector, and gives the service OpenFeature fault flags served by flagd; a fault controller makes Toxiproxy match the declared',
    'faults and reports them as metrics. `pulumi up` replaces no data store, no replica and no flagd for a fault change; removing',
    `the config removes the fault. A link fault (${faultLinks.map((link) => `\`faults.${link}\``).join(', ')}) replaces the fault controller,`,
    'which applies its declaration at start: from stopping the old controller to Toxiproxy holding the new declaration took',
    `${measuredLinkFaultApply.fastestMs} to ${measuredLinkFaultApply.slowestMs} ms over the ${linkFaultScenarios.length} link-fault scenarios of the rehearsal (below; a 2-core machine shared`,
    'with other work), plus the engine\'s replacement of the container, or the pod\'s rollout, around it. An app fault (`faults.app`) rewrites the flag file under the running flagd (Docker: a one-shot',
    'writer renames it into flagd\'s volume; Kubernetes: the kubelet updates the ConfigMap volume flagd reads), flagd pushes it down',
    `every replica's open sync stream, and each replica applies it: from the file's change to every replica answering with it took`,
    `${measuredFlagPropagation.summary} (\`${measuredFlagPropagation.command}\`, against a double of flagd's sync API that`,
    'watches the file as flagd does). Add to that, on Docker, the writer container\'s run during `pulumi up`; on Kubernetes, the',
    'kubelet\'s refresh of the volume, up to about a minute by default (its sync period plus its ConfigMap cache\'s propagation).',
    'Each scenario of the catalogue (`dashboards/src/faults/scenarios.ts`) is a named set of faults:',
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
    '[debugging walkthrough](dashboards/README.md#debugging-walkthrough-clicks-only) follows `db-latency` from the alert to the span,',
    'and on to the span\'s profile. Where no trace can show the cause (`cpu-hog`, `memory-leak`), the service\'s continuous profiles',
    'in Pyroscope do: the last column names the flame graph.',
    '',
    '| scenario | what breaks | its faults (`pulumi config set --path ...`) | k6 | the panel that moves | alerts that fire | the trace that shows the cause | the profile that shows it |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows.map((r) => `| ${r} |`),
    '',
  ].join('\n');
}
