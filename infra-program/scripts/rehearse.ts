/**
 * `npm run rehearse`: every scenario of the catalogue (or those named: `npm run rehearse -- db-outage`) on the
 * rehearsal stack, one after the other with the same replicas, each recorded; then promtool finds, on each
 * recording, the first minute the catalogue's alerts fire, and checks they stay quiet on its healthy phase.
 * Writes rehearsal/results/<scenario>.json (the recording), run.json (how long each run took) and README.md
 * (what the recordings there show). `npm run rehearse -- --check-only` runs the promtool part again on the
 * committed recordings. Exits 1 when an alert does not fire within the horizon or fires while healthy.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { faultScenario, faultScenarioNames, type FaultScenarioName } from '@lab/dashboards';
import { summarize, type AlertTiming, type RehearsalRun } from '../rehearsal/summary';
import { rehearseScenario, type ScenarioRehearsal } from '../rehearsal/rehearse-scenario';
import { phaseLengths, metricExportIntervalMs, soakRatePerSecond, warmUpSeconds } from '../rehearsal/settings';
import { startRehearsalStack } from '../rehearsal/stack';
import { startSteadyClient } from '../rehearsal/steady-client';
import { sleep } from '../rehearsal/process';
import { alertTimings } from '../rehearsal/timings';
import { promtoolPath } from '../rehearsal/alert-checks';

/** How long each run took; a later run of some scenarios replaces their recordings and adds its entry. */
interface RunRecord {
  readonly runs: ReadonlyArray<RehearsalRun>;
}

const outDir = path.resolve(__dirname, '..', 'rehearsal', 'results');

async function rehearse(names: FaultScenarioName[]): Promise<void> {
  mkdirSync(outDir, { recursive: true });
  const started = Date.now();
  const stack = await startRehearsalStack({ metricExportIntervalMs });
  try {
    const client = await startSteadyClient(stack.loadBalancer.url, soakRatePerSecond);
    await sleep(warmUpSeconds * 1000);
    for (const name of names) {
      const at = Date.now();
      process.stdout.write(`${name}: rehearsing...`);
      const rehearsal = await rehearseScenario(stack, client, faultScenario(name), phaseLengths(name));
      writeFileSync(path.join(outDir, `${name}.json`), `${JSON.stringify(rehearsal)}\n`);
      process.stdout.write(` ${Math.round((Date.now() - at) / 1000)} s, answers while faulted ${JSON.stringify(rehearsal.answers.fault)}\n`);
    }
    await client.stop();
  } finally {
    await stack.stop();
  }
  const run: RehearsalRun = { scenarios: names, rehearsedMs: Date.now() - started, finishedAt: new Date().toISOString() };
  const file = path.join(outDir, 'run.json');
  const earlier = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as RunRecord).runs : [];
  // Runs whose every scenario was rehearsed again no longer account for any recording.
  const kept = earlier.filter((r) => r.scenarios.some((n) => !names.includes(n)));
  writeFileSync(file, `${JSON.stringify({ runs: [...kept, run] } satisfies RunRecord, null, 2)}\n`);
}


/** promtool on the recordings of the run: each alert's first firing minute, and silence while healthy. */
function check(): void {
  const { runs } = JSON.parse(readFileSync(path.join(outDir, 'run.json'), 'utf8')) as RunRecord;
  const recorded = faultScenarioNames.filter((n) => existsSync(path.join(outDir, `${n}.json`)));
  const checking = Date.now();
  const rehearsals: ScenarioRehearsal[] = [];
  const timings: AlertTiming[] = [];
  for (const name of recorded) {
    const rehearsal = JSON.parse(readFileSync(path.join(outDir, `${name}.json`), 'utf8')) as ScenarioRehearsal;
    rehearsals.push(rehearsal);
    for (const timing of alertTimings(faultScenario(name), rehearsal.recording)) {
      timings.push(timing);
      process.stdout.write(`${name}: ${timing.alert} first fires at minute ${timing.firstMinute ?? 'never (30)'}, quiet while healthy: ${timing.quietWhenHealthy}\n`);
    }
  }
  const promtoolVersion = spawnSync(promtoolPath, ['--version'], { encoding: 'utf8' }).stdout.split('\n')[0] ?? '';
  const summary = summarize({ rehearsals, timings, runs, checkMs: Date.now() - checking, promtoolVersion });
  writeFileSync(path.join(outDir, 'README.md'), summary);
  process.stdout.write(`\nresults of ${recorded.length} scenario(s) in ${outDir}\n`);
  const broken = timings.filter((t) => t.firstMinute === undefined || !t.quietWhenHealthy);
  for (const t of broken) process.stderr.write(`${t.scenario}: ${t.alert} ${t.firstMinute === undefined ? 'does not fire' : 'fires while healthy'}\n`);
  if (broken.length > 0) process.exitCode = 1;
  const stale = timings.filter((t) => t.firstMinute !== undefined && t.stated !== t.firstMinute + 1);
  for (const t of stale) process.stdout.write(`${t.scenario}: the catalogue states ${t.alert} within ${t.stated} min; the recording says ${(t.firstMinute ?? 0) + 1}\n`);
}

async function main() {
  const named = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  for (const n of named) if (!(faultScenarioNames as readonly string[]).includes(n)) throw new Error(`no fault scenario ${n}: ${faultScenarioNames.join(', ')}`);
  const names = (named.length > 0 ? named : [...faultScenarioNames]) as FaultScenarioName[];
  // --check-only: promtool again on the committed recordings (after a change to the rules or the catalogue).
  if (!process.argv.includes('--check-only')) await rehearse(names);
  check();
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exit(1);
});
