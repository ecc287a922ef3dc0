import type { Lab } from '../lab.ts';
import { mixedLoad } from '../lab.ts';
import { commonChecks, summarise, type FaultResult } from '../result.ts';
import type { PhaseMark } from '../stats.ts';
import type { Replica } from '../replica.ts';
import { now, sleep } from './timing.ts';

const warmMs = 2_000;
const downMs = 4_000;
const afterMs = 4_000;

/** Milliseconds until readiness reports the cache ok again (Redis reconnected); null if not within 15 s. */
async function cacheBackMs(replica: Replica, from: number): Promise<number | null> {
  while (now() - from < 15_000) {
    const body = await replica.service
      .fetch('/health/ready', { signal: AbortSignal.timeout(2_000) })
      .then((r) => r.json() as Promise<{ checks?: { cache?: string } }>)
      .catch(() => undefined);
    if (body?.checks?.cache === 'ok') return now() - from;
    await sleep(50);
  }
  return null;
}

/** Redis killed (SIGKILL) and started again under read-heavy keep-alive load. */
export async function redisRestart(lab: Lab): Promise<FaultResult> {
  const name = 'redis killed';
  lab.log(name);
  const replica = await lab.replica();
  const started = now();
  const marks: PhaseMark[] = [];
  const load = mixedLoad(lab, replica, { order: 3, read: 6, list: 1 }, 'redis');
  await sleep(warmMs);
  marks.push({ at: now(), phase: 'during' });
  await lab.redis.stop();
  await sleep(downMs);
  await lab.redis.start();
  const back = now();
  marks.push({ at: back, phase: 'after' });
  const [cacheBack] = await Promise.all([cacheBackMs(replica, back), sleep(afterMs)]);
  const samples = await load.stop();
  await replica.reviveIfDead();
  const { ledger, settlement } = await lab.ledger(replica.baseUrl);
  const exit = await replica.stop();
  const summary = summarise(samples, marks);
  return {
    name,
    description: `Redis killed with SIGKILL, down ${downMs / 1000} s, started again; ${lab.options.clients} keep-alive clients, 60% cached reads, 30% orders, 10% list pages`,
    durationMs: now() - started,
    ...summary,
    deaths: replica.deaths,
    recovery: { what: 'readiness reports the cache ok after Redis is back', ms: [cacheBack] },
    allowed5xx: [],
    ledger,
    settlement,
    facts: [['exit on SIGTERM at the end', `${exit.exitCode} after ${Math.round(exit.exitMs)} ms`]],
    checks: commonChecks(samples, [], replica.deaths, ledger),
    goals: [{ name: 'p99 while Redis is down < 1 s', ok: summary.during.p99Ms < 1_000, detail: `${Math.round(summary.during.p99Ms)} ms` }],
  };
}
