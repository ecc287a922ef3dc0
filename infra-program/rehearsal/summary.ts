/** rehearsal/results/README.md: what `npm run rehearse` saw, written by it. */
import type { FaultScenarioName } from '@lab/dashboards';
import type { ScenarioRehearsal } from './rehearse-scenario';
import { metricExportIntervalMs, soakRatePerSecond } from './settings';

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
  rehearsedMs: number;
  totalMs: number;
  promtoolVersion: string;
  scenarios: readonly string[];
}): string {
  const minutes = (ms: number) => `${(ms / 60_000).toFixed(1)} min`;
  const paths = [...new Set(args.rehearsals.map((r) => r.telemetryPath))].join(', ');
  const lines = [
    '# Rehearsal results',
    '',
    `Written by \`npm run rehearse\` (${args.scenarios.join(', ')}). The rehearsal took ${minutes(args.rehearsedMs)}, ` +
      `${minutes(args.totalMs)} with the promtool checks, on this 2-core machine shared with other work.`,
    '',
    `Two service replicas behind HAProxy (health-checking readiness as Traefik does), real Postgres and Redis reached through the ` +
      `real Toxiproxy 2.12.0, link faults applied by the fault controller from the generated declaration, app faults from the ` +
      `generated flag file on flagd's sync stream (served by the flagd sync double: flagd cannot be built here), ` +
      `${soakRatePerSecond} requests/s through HAProxy. Telemetry path: **${paths}** ` +
      `(\`collector\`: the real Collector from the generated config; \`direct\`: the replicas' OTLP straight to the recorder, ` +
      `named as Prometheus 3 names it). Metrics exported every ${metricExportIntervalMs / 1000} s, sampled every ` +
      `${args.rehearsals[0]?.lengths.stepSeconds ?? 15} s. promtool: ${args.promtoolVersion}.`,
    '',
    'The minute is the first minute after the fault starts at which promtool sees the alert firing on the recorded series ' +
      '(six hours of healthy history at the recorded rates before it, the fault extended at its recorded rates after the recording); ' +
      'the catalogue states it plus one, for the lab\'s 60 s metric export.',
    '',
    '| scenario | alert | first firing minute | catalogue states | quiet on the healthy recording | fault applied in | answers while healthy | answers while faulted |',
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
