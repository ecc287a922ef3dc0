import { Collector, type CollectorCondition } from '../collectors.ts';
import type { Lab } from '../lab.ts';
import { mixedLoad } from '../lab.ts';
import { commonChecks, summarise, type FaultResult } from '../result.ts';
import type { PhaseMark } from '../stats.ts';
import { now, sleep } from './timing.ts';

const warmMs = 2_000;
const outageMs = 6_000;
const afterMs = 3_000;

/** The replica's OTLP collector goes away (port closed) or stops answering (black hole), then comes back. */
export async function collectorOutage(lab: Lab, condition: Exclude<CollectorCondition, 'healthy'>): Promise<FaultResult> {
  const name = `collector ${condition}`;
  lab.log(name);
  const collector = await Collector.start();
  const replica = await lab.replica({ collector });
  const started = now();
  const marks: PhaseMark[] = [];
  const load = mixedLoad(lab, replica, { order: 3, read: 5, list: 2 }, `collector-${condition}`);
  await sleep(warmMs);
  marks.push({ at: now(), phase: 'during' });
  await collector.set(condition);
  await sleep(outageMs);
  await collector.set('healthy');
  marks.push({ at: now(), phase: 'after' });
  await sleep(afterMs);
  const samples = await load.stop();
  await replica.reviveIfDead();
  const { ledger, settlement } = await lab.ledger(replica.baseUrl);
  const exit = await replica.stop();
  await collector.stop();
  const summary = summarise(samples, marks);
  const what =
    condition === 'unreachable' ? 'its port closed (every export refused)' : 'accepting connections and never answering (every export waits for its timeout)';
  return {
    name,
    description: `the OTLP collector ${what} for ${outageMs / 1000} s, then healthy again; ${lab.options.clients} keep-alive clients, 50% cached reads, 30% orders, 20% list pages; every request traced`,
    durationMs: now() - started,
    ...summary,
    deaths: replica.deaths,
    allowed5xx: [],
    ledger,
    settlement,
    facts: [['exit on SIGTERM at the end', `${exit.exitCode} after ${Math.round(exit.exitMs)} ms`]],
    checks: commonChecks(samples, [], replica.deaths, ledger),
    goals: [
      { name: 'p99 during the outage < 1 s', ok: summary.during.p99Ms < 1_000, detail: `${Math.round(summary.during.p99Ms)} ms` },
      { name: 'exits 0 on SIGTERM afterwards', ok: exit.exitCode === 0, detail: `${exit.exitCode} after ${Math.round(exit.exitMs)} ms` },
    ],
  };
}
