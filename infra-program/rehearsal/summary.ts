/** rehearsal/results/README.md: what `npm run rehearse` saw, written by it. */
import type { FaultScenarioName } from '@lab/dashboards';
import type { ScenarioRehearsal } from './rehearse-scenario';
import { metricExportIntervalMs, soakRatePerSecond } from './settings';

export interface RehearsalRun {
  readonly scenarios: readonly FaultScenarioName[];
  readonly rehearsedMs: number;
  readonly finishedAt: string;
}

export interface AlertTiming {
  readonly scenario: FaultScenarioName;
  readonly alert: string;
  /** What the catalogue states. */
  readonly stated: number;
  /** The first minute after the fault starts at which promtool sees it firing; undefined: not within the horizon. */
  readonly firstMinute: number | undefined;
  readonly quietWhenHealthy: boolean;
}

const answers = (counts: Record<string, number>) =>
  Object.entries(counts)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([status, n]) => `${status}: ${n}`)
    .join(', ');

export function summarize(args: {
  rehearsals: readonly ScenarioRehearsal[];
  timings: readonly AlertTiming[];
  runs: readonly RehearsalRun[];
  checkMs: number;
  promtoolVersion: string;
}): string {
  const minutes = (ms: number) => `${(ms / 60_000).toFixed(1)} min`;
  const paths = [...new Set(args.rehearsals.map((r) => r.telemetryPath))].join(', ');
  const lines = [
    '# Rehearsal results',
    '',
    `Written by \`npm run rehearse\` from the recordings here. ` +
      args.runs
        .map((r) => `A run of ${r.scenarios.join(', ')} took ${minutes(r.rehearsedMs)} (finished ${r.finishedAt})`)
        .join('. ') +
      `. Where two runs name a scenario, its recording is the later run's. The promtool checks on the recordings took ` +
      `${minutes(args.checkMs)}. All on a 2-core machine shared with other work.`,
    '',
    `Two service replicas behind HAProxy (health-checking readiness as Traefik does), real Postgres and Redis reached through the ` +
      `real Toxiproxy 2.12.0, link faults applied by the fault controller from the generated declaration, app faults from the ` +
      `generated flag file on flagd's sync stream (served by the flagd sync double: flagd cannot be built here), ` +
      `${soakRatePerSecond} requests/s through HAProxy. Telemetry path: **${paths}** ` +
      `(\`collector\`: the real Collector from the generated config; \`direct\`: the replicas' OTLP straight to the recorder, ` +
      `named as Prometheus 3 names it). Metrics exported every ${metricExportIntervalMs / 1000} s, sampled every ` +
      `${args.rehearsals[0]?.lengths.stepSeconds ?? 15} s. promtool: ${args.promtoolVersion}.`,
    '',
    'The minute is the first minute after the fault starts at which promtool sees the alert firing (for its first replica, where ' +
      'an alert is per replica) on the recorded series ' +
      '(six hours of healthy history at the recorded rates before it, the fault extended at its recorded rates after the recording); ' +
      'in the slowest case: a minute more for an alert that reads recording rules of another group of its file (Prometheus evaluates ' +
      'each group on its own schedule, so it may see them a minute late; promtool 2.42 evaluates groups in no fixed order). ' +
      'The catalogue states it plus one, for the lab\'s 60 s metric export. "Toxiproxy held the declaration after": from stopping the ' +
      'fault controller, as `pulumi up` replaces it with the new declaration, to Toxiproxy holding that declaration (the new controller ' +
      'reconciles at its start, then every 2 s, as in the lab; an engine\'s own container replacement comes on top). An app fault changes no link, so there it is one look at Toxiproxy, and its flag file is published at once.',
    '',
    '| scenario | alert | first firing minute | catalogue stated when rehearsed | quiet on the healthy recording | Toxiproxy held the declaration after | answers while healthy | answers while faulted |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...args.timings.map((t) => {
      const r = args.rehearsals.find((x) => x.scenario === t.scenario)!;
      return (
        `| ${t.scenario} | ${t.alert} | ${t.firstMinute ?? 'not within 30'} | ${t.stated} | ${t.quietWhenHealthy ? 'yes' : '**no**'} | ` +
        `${r.faultAppliedMs} ms | ${answers(r.answers.healthy)} | ${answers(r.answers.fault)} |`
      );
    }),
    '',
    'Phases per scenario (s): ' +
      args.rehearsals.map((r) => `${r.scenario} ${r.lengths.healthySeconds} healthy + ${r.lengths.faultSeconds} faulted`).join('; ') +
      '.',
    '',
  ];
  return lines.join('\n');
}
