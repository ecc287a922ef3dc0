import { Collector, type CollectorCondition } from '../collectors.ts';
import type { Lab } from '../lab.ts';
import { mixedLoad, shutdownGraceMs } from '../lab.ts';
import { commonChecks, summarise, type Check, type FaultResult } from '../result.ts';
import { is2xx } from '../samples.ts';
import type { PhaseMark } from '../stats.ts';
import { now, sleep } from './timing.ts';

const warmMs = 2_000;
/** How long before SIGTERM the collector disappears, so the exporter holds failed batches at shutdown. */
const collectorGoneMs = 2_000;

/**
 * SIGTERM while keep-alive clients are busy: the replica must finish what it took, tell clients to go
 * (Connection: close), and exit 0 within its grace, also when its collector cannot be reached. Clients go on
 * sending until the process has exited.
 */
export async function shutdownUnderLoad(lab: Lab, collectorCondition: CollectorCondition): Promise<FaultResult> {
  const collectorReachable = collectorCondition === 'healthy';
  const name = `SIGTERM under load${collectorReachable ? '' : `, collector ${collectorCondition}`}`;
  lab.log(name);
  const collector = await Collector.start();
  const replica = await lab.replica({ collector });
  const started = now();
  const marks: PhaseMark[] = [];
  const load = mixedLoad(lab, replica, { order: 4, read: 4, list: 2 }, `sigterm-${collectorCondition}`);
  await sleep(warmMs);
  if (!collectorReachable) {
    await collector.set(collectorCondition);
    await sleep(collectorGoneMs);
  }
  // A replica that died while the collector was gone is a failure of this fault, not a reason to skip it.
  await replica.reviveIfDead();
  const signalled = now();
  marks.push({ at: signalled, phase: 'during' });
  const exit = await replica.stop();
  const exited = now();
  marks.push({ at: exited, phase: 'after' });
  await sleep(300);
  const samples = await load.stop();
  await collector.stop();

  // The outcome of orders cut off by the shutdown is learned from a fresh replica, as a client would.
  const successor = await lab.replica();
  const { ledger, settlement } = await lab.ledger(successor.baseUrl);
  await successor.stop();

  const afterSignal = samples.filter((s) => s.endedAt >= signalled);
  const answeredAfterSignal = afterSignal.filter((s) => s.status !== undefined);
  // Only a request sent after the signal can be told, in its answer's headers, that the connection ends.
  const sentAfterSignal = answeredAfterSignal.filter((s) => s.startedAt >= signalled);
  const closeMarked = sentAfterSignal.filter((s) => s.connectionClose).length;
  const resetsAfterSignal = afterSignal.filter((s) => s.failure === 'reset').length;
  const checks: Check[] = [
    ...commonChecks(samples, [503], replica.deaths, ledger),
    { name: 'exit code 0', ok: exit.exitCode === 0, detail: exit.exitCode === 0 ? '0' : `${exit.exitCode}; stderr: ${exit.stderrTail.slice(-300) || '(empty)'}` },
    { name: `exited within the grace (${shutdownGraceMs} ms)`, ok: exit.exitMs <= shutdownGraceMs + 500, detail: `${Math.round(exit.exitMs)} ms` },
  ];
  return {
    name,
    description: `SIGTERM after ${warmMs / 1000} s of load from ${lab.options.clients} keep-alive clients (40% orders, 40% cached reads, 20% list pages)${collectorReachable ? '' : `, the collector ${collectorCondition === 'unreachable' ? 'unreachable (port closed)' : 'a black hole (never answers)'} from ${collectorGoneMs / 1000} s before the signal`}; clients keep sending until the process has exited. No drain delay (no balancer here), so the port closes at the signal: each client is answered on the connection it holds, with Connection: close, and its next connection is refused (counted as refused, not reset; behind a balancer SHUTDOWN_DRAIN_DELAY_MS keeps the port open until the traffic has moved)`,
    durationMs: now() - started,
    ...summarise(samples, marks),
    deaths: replica.deaths,
    allowed5xx: [503],
    ledger,
    settlement,
    facts: [
      ['exit code', String(exit.exitCode)],
      ['time from SIGTERM to exit', `${Math.round(exited - signalled)} ms`],
      ['answered after SIGTERM', `${answeredAfterSignal.length} (${answeredAfterSignal.filter(is2xx).length} 2xx); of those sent after it, ${closeMarked} of ${sentAfterSignal.length} with Connection: close`],
      ['connection resets after SIGTERM', String(resetsAfterSignal)],
      ['refused after SIGTERM (port closed)', String(afterSignal.filter((s) => s.failure === 'refused').length)],
    ],
    checks,
    goals: [
      { name: 'no request reset mid-flight', ok: resetsAfterSignal === 0, detail: String(resetsAfterSignal) },
      { name: 'answers to requests sent after SIGTERM say Connection: close', ok: closeMarked === sentAfterSignal.length, detail: `${closeMarked} of ${sentAfterSignal.length}` },
    ],
  };
}
