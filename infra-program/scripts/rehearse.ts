/**
 * `npm run rehearse`: every scenario of the catalogue (or those named: `npm run rehearse -- db-outage`) on the
 * rehearsal stack, one after the other with the same replicas, each recorded; then promtool finds, on each
 * recording, the first minute the catalogue's alerts fire, and checks they stay quiet on its healthy phase.
 * Writes rehearsal/results/<scenario>.json (the recording) and rehearsal/results/README.md (what it saw).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { faultScenario, faultScenarioNames, type FaultScenarioName } from '@lab/dashboards';
import { summarize, type AlertTiming } from '../rehearsal/summary';
import { rehearseScenario, type ScenarioRehearsal } from '../rehearsal/rehearse-scenario';
import { phaseLengths, metricExportIntervalMs, soakRatePerSecond, warmUpSeconds } from '../rehearsal/settings';
import { startRehearsalStack } from '../rehearsal/stack';
import { startSteadyClient } from '../rehearsal/steady-client';
import { sleep } from '../rehearsal/process';
import { alertTimings } from '../rehearsal/timings';
import { promtoolPath } from '../rehearsal/alert-checks';

async function main() {
  const named = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  for (const n of named) if (!(faultScenarioNames as readonly string[]).includes(n)) throw new Error(`no fault scenario ${n}: ${faultScenarioNames.join(', ')}`);
  const names = (named.length > 0 ? named : [...faultScenarioNames]) as FaultScenarioName[];
  const outDir = path.resolve(__dirname, '..', 'rehearsal', 'results');
  mkdirSync(outDir, { recursive: true });
  const started = Date.now();
  const stack = await startRehearsalStack({ metricExportIntervalMs });
  const rehearsals: ScenarioRehearsal[] = [];
  try {
    const client = await startSteadyClient(stack.loadBalancer.url, soakRatePerSecond);
    await sleep(warmUpSeconds * 1000);
    for (const name of names) {
      const at = Date.now();
      process.stdout.write(`${name}: rehearsing...`);
      const rehearsal = await rehearseScenario(stack, client, faultScenario(name), phaseLengths(name));
      rehearsals.push(rehearsal);
      writeFileSync(path.join(outDir, `${name}.json`), `${JSON.stringify(rehearsal)}\n`);
      process.stdout.write(` ${Math.round((Date.now() - at) / 1000)} s, answers while faulted ${JSON.stringify(rehearsal.answers.fault)}\n`);
    }
    await client.stop();
  } finally {
    await stack.stop();
  }
  const rehearsedMs = Date.now() - started;
  const timings: AlertTiming[] = [];
  for (const rehearsal of rehearsals) {
    const t = alertTimings(faultScenario(rehearsal.scenario), rehearsal.recording);
    timings.push(...t);
    for (const timing of t) process.stdout.write(`${rehearsal.scenario}: ${timing.alert} first fires at minute ${timing.firstMinute ?? 'never (30)'}, healthy quiet ${timing.quietWhenHealthy}\n`);
  }
  const promtoolVersion = spawnSync(promtoolPath, ['--version'], { encoding: 'utf8' }).stdout.split('\n')[0] ?? '';
  const summary = summarize({ rehearsals, timings, rehearsedMs, totalMs: Date.now() - started, promtoolVersion, scenarios: names });
  writeFileSync(path.join(outDir, names.length === faultScenarioNames.length ? 'README.md' : `README.${names.join('+')}.md`), summary);
  process.stdout.write(`\nrehearsed ${names.length} scenario(s) in ${Math.round(rehearsedMs / 60_000)} min; results in ${outDir}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exit(1);
});
