import type { StopMode } from '@lab/service/testing';
import type { Lab } from '../lab.ts';
import { mixedLoad } from '../lab.ts';
import { commonChecks, summarise, type FaultResult } from '../result.ts';
import { failedBetween, lastFailureMs, recoveryMs, type PhaseMark } from '../stats.ts';
import { now, sleep } from './timing.ts';

const warmMs = 2_000;
const downMs = 3_000;
const afterMs = 4_000;

/**
 * Postgres stopped (`pg_ctl stop -m <mode>`) and started again, `cycles` times, under keep-alive load made
 * mostly of orders that contend on the few hot rows. A replica that dies is recorded and replaced before
 * the next cycle (as a container runtime would), so every cycle tests a live one.
 */
export async function postgresRestarts(lab: Lab, mode: StopMode): Promise<FaultResult> {
  const name = `postgres stop -m ${mode}`;
  lab.log(`${name}: ${lab.options.cycles} cycles`);
  const replica = await lab.replica();
  const started = now();
  const marks: PhaseMark[] = [];
  const stops: number[] = [];
  const returns: number[] = [];
  const load = mixedLoad(lab, replica, { order: 7, read: 2, list: 1 }, `pg-${mode}`);
  await sleep(warmMs);
  for (let cycle = 1; cycle <= lab.options.cycles; cycle++) {
    stops.push(now());
    marks.push({ at: now(), phase: 'during' });
    await lab.postgres.stop(mode);
    await sleep(downMs);
    await lab.postgres.start();
    returns.push(now());
    marks.push({ at: now(), phase: 'after' });
    await sleep(afterMs);
    const death = await replica.reviveIfDead();
    if (death) lab.log(`${name}: cycle ${cycle}: the replica died (exit ${death.exitCode ?? death.signal}); started a new one`);
  }
  const samples = await load.stop();
  await replica.reviveIfDead();
  const { ledger, settlement } = await lab.ledger(replica.baseUrl);
  const exit = await replica.stop();
  const ends = [...stops.slice(1), Number.POSITIVE_INFINITY];
  const touchesPostgres = (s: { touchesPostgres: boolean }) => s.touchesPostgres;
  const recovery = returns.map((at, i) => recoveryMs(samples, at, ends[i]!, touchesPostgres));
  const summary = summarise(samples, marks);
  const outage503 = samples.filter((s) => s.status === 503);
  // The target: the pool is usable a second after Postgres is back, and no request is answered
  // from a connection that died with the old server.
  const lateFailures = returns.map((at, i) => failedBetween(samples, at + 1_000, ends[i]!, touchesPostgres));
  return {
    name,
    description: `${lab.options.cycles}× Postgres stopped with -m ${mode}, down ${downMs / 1000} s, started again; ${lab.options.clients} keep-alive clients, 70% orders on ${lab.shop.hotItems.length} hot rows, 20% cached reads, 10% list pages`,
    durationMs: now() - started,
    ...summary,
    deaths: replica.deaths,
    recovery: { what: 'first 2xx on a Postgres route after Postgres is back', ms: recovery },
    failingAfterReturnMs: returns.map((at, i) => lastFailureMs(samples, at, ends[i]!, touchesPostgres)),
    allowed5xx: [503],
    ledger,
    settlement,
    facts: [
      ['503 with Retry-After', `${outage503.filter((s) => s.retryAfter !== undefined).length} of ${outage503.length}`],
      ['exit on SIGTERM at the end', `${exit.exitCode} after ${Math.round(exit.exitMs)} ms`],
    ],
    checks: commonChecks(samples, [503], replica.deaths, ledger),
    goals: [
      { name: 'p99 while Postgres is down < 1 s', ok: summary.during.p99Ms < 1_000, detail: `${Math.round(summary.during.p99Ms)} ms` },
      { name: 'recovered within 1 s of each return', ok: recovery.every((ms) => ms !== null && ms < 1_000), detail: recovery.map((ms) => (ms === null ? 'never' : `${Math.round(ms)} ms`)).join(', ') },
      { name: 'no Postgres request sent 1 s or more after a return fails', ok: lateFailures.every((n) => n === 0), detail: lateFailures.join(', ') },
      { name: 'every 503 carries Retry-After', ok: outage503.every((s) => s.retryAfter !== undefined), detail: `${outage503.filter((s) => s.retryAfter !== undefined).length} of ${outage503.length}` },
    ],
  };
}
