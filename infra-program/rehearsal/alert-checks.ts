/**
 * The catalogue's alerts on recorded series, with the real promtool (Debian's 2.42 here: PROMTOOL). Each
 * scenario's test file loads only the rule files its alerts are in; annotations are left out (they carry
 * `{{ $value }}` and promtool compares them exactly), everything promtool evaluates (expr, for, labels) is as
 * the program provisions it.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { buildPrometheusRuleFiles, symptomAlerts, type ExpectedAlert, type FaultScenario } from '@lab/dashboards';
import { historyMinutes, inputSeries } from './input-series';
import { seriesName, type Recording } from './recording';

type Rule = { alert?: string; record?: string; expr: string; labels?: Record<string, string>; annotations?: unknown };
type Group = { name: string; rules: Rule[] };

export const promtoolPath = process.env.PROMTOOL ?? '/usr/bin/promtool';
const ruleFiles = buildPrometheusRuleFiles();
const groupsOf = (file: (typeof ruleFiles)[number]) => file.content.groups as Group[];

function fileOf(alert: string) {
  const file = ruleFiles.find((f) => groupsOf(f).some((g) => g.rules.some((r) => r.alert === alert)));
  if (!file) throw new Error(`${alert} is in no provisioned rule file`);
  return file;
}

function ruleOf(alert: string): Rule {
  return groupsOf(fileOf(alert)).flatMap((g) => g.rules).find((r) => r.alert === alert)!;
}

/** Every metric name any alert rule file reads: the series the rehearsal records. */
export const seriesNamesRead: ReadonlySet<string> = new Set(
  ruleFiles.flatMap((f) => groupsOf(f).flatMap((g) => g.rules.flatMap((r) => r.expr.match(/[a-zA-Z_:][a-zA-Z0-9_:]*/g) ?? []))),
);

/** The recording cut to the series the scenario's alerts' rule files read. */
export function seriesReadBy(scenario: FaultScenario, recording: Recording): Recording {
  const names = new Set(
    scenario.alerts.flatMap((a) => groupsOf(fileOf(a.alert)).flatMap((g) => g.rules.flatMap((r) => r.expr.match(/[a-zA-Z_:][a-zA-Z0-9_:]*/g) ?? []))),
  );
  return { ...recording, series: Object.fromEntries(Object.entries(recording.series).filter(([key]) => names.has(seriesName(key)))) };
}

/** The labels a firing alert carries: its rule's, and those its expression keeps (one alert per replica, say). */
export function expectedAlerts(alert: ExpectedAlert, recording: Recording): Array<Record<string, string>> {
  const rule = ruleOf(alert.alert);
  const symptom = Object.values(symptomAlerts).find((s) => s.alert === alert.alert);
  const kept = symptom?.resultLabels ?? [];
  const valuesOf = (label: string) =>
    [...new Set(Object.keys(recording.series).flatMap((key) => (new RegExp(`[{,]${label}="([^"]*)"`).exec(key)?.[1] ?? [])))].sort();
  let sets: Array<Record<string, string>> = [{}];
  for (const label of kept) sets = sets.flatMap((s) => valuesOf(label).map((v) => ({ ...s, [label]: v })));
  return sets.map((extra) => ({ ...extra, ...rule.labels }));
}

export interface AlertCheck {
  readonly alert: ExpectedAlert;
  /** Minutes after the fault starts. */
  readonly minute: number;
  readonly firing: boolean;
}

export interface PromtoolRun {
  readonly status: number | null;
  readonly output: string;
}

/**
 * Minutes an alert may lag its own rule file's recording rules: Prometheus evaluates each group on its own
 * schedule, so an alert reading another group's recording can see it one evaluation (a minute) late; promtool
 * 2.42 evaluates the groups at each step in no fixed order, either way. One minute when the file has more
 * than one group, none otherwise.
 */
export function interGroupLagMinutes(alert: string): number {
  return groupsOf(fileOf(alert)).length > 1 ? 1 : 0;
}

/**
 * One promtool test over the recording (with the fault, or its healthy steps only), checking each minute given.
 * `inOneGroup`: each rule file's groups run as one, in order, so an alert sees its recordings of the same
 * minute (no lag, and the same answer on every run).
 */
export function runAlertChecks(scenario: FaultScenario, recording: Recording, faulted: boolean, checks: readonly AlertCheck[], inOneGroup = false): PromtoolRun {
  const lastMinute = Math.max(...checks.map((c) => c.minute));
  const { series } = inputSeries(seriesReadBy(scenario, recording), { faulted, minutesAfterFault: lastMinute + 1 });
  const files = [...new Set(checks.map((c) => fileOf(c.alert.alert)))];
  const dir = mkdtempSync(path.join(tmpdir(), 'rehearsal-promtool-'));
  for (const file of files) {
    const provisioned = groupsOf(file).map((g) => ({ ...g, rules: g.rules.map(({ annotations: _a, ...rule }) => rule) }));
    const groups = inOneGroup ? [{ name: provisioned[0]!.name, rules: provisioned.flatMap((g) => g.rules) }] : provisioned;
    writeFileSync(path.join(dir, file.fileName), stringify({ groups }, { lineWidth: 0 }));
  }
  const test = {
    rule_files: files.map((f) => f.fileName),
    evaluation_interval: '1m',
    tests: [
      {
        name: `${scenario.name} ${faulted ? 'with its fault' : 'healthy'}`,
        interval: `${recording.stepSeconds}s`,
        input_series: series,
        alert_rule_test: checks.map((c) => ({
          eval_time: `${historyMinutes + c.minute}m`,
          alertname: c.alert.alert,
          exp_alerts: c.firing ? expectedAlerts(c.alert, recording).map((exp_labels) => ({ exp_labels })) : [],
        })),
      },
    ],
  };
  writeFileSync(path.join(dir, 'scenario.test.yml'), stringify(test, { lineWidth: 0 }));
  const result = spawnSync(promtoolPath, ['test', 'rules', 'scenario.test.yml'], { cwd: dir, encoding: 'utf8', timeout: 600_000 });
  if (result.error) throw result.error;
  return { status: result.status, output: `${result.stdout}\n${result.stderr}` };
}

/**
 * The first minute after the fault starts at which promtool sees the alert firing (for any of the labels it
 * can carry: the first replica is when a user sees it), up to `upTo`, in the slowest case (with the lag
 * between rule groups): each minute expects silence, and promtool names each eval time whose expectation
 * failed, so one run checks every minute.
 */
export function firstFiringMinute(scenario: FaultScenario, recording: Recording, alert: ExpectedAlert, upTo: number): number | undefined {
  const minutes = Array.from({ length: upTo + 1 }, (_, m) => m);
  const run = runAlertChecks(scenario, recording, true, minutes.map((minute) => ({ alert, minute, firing: false })), true);
  if (run.status === 0) return undefined;
  const firing = [...run.output.matchAll(/alertname: (\S+), time: (\S+?),/g)].filter((m) => m[1] === alert.alert).map((m) => parseDuration(m[2]!) - historyMinutes);
  if (firing.length === 0) throw new Error(`promtool failed without naming an eval time:\n${run.output.slice(0, 4000)}`);
  return Math.min(...firing) + interGroupLagMinutes(alert.alert);
}

/** promtool's eval time (`6h3m`, `363m`, `6h0m0s`) in minutes. */
function parseDuration(text: string): number {
  let minutes = 0;
  for (const [, n, unit] of text.matchAll(/(\d+(?:\.\d+)?)(h|m|s)/g)) minutes += Number(n) * (unit === 'h' ? 60 : unit === 'm' ? 1 : 1 / 60);
  return Math.round(minutes);
}
