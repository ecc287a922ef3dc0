import type { Lab } from '../lab.ts';
import { send } from '../client.ts';
import { commonChecks, summarise, type Check, type FaultResult } from '../result.ts';
import type { Sample } from '../samples.ts';
import { maxConcurrent } from '../stats.ts';
import { now, sleep } from './timing.ts';

const queueLimit = 10;
const postsPerWave = 100;
const waves = 2;
// Short tasks: with a broken limit every post of a wave is accepted, and the campaign waits for them all.
const workMs = 50;

/** Milliseconds since the epoch of a time as the API returns it: RFC 3339 ("2026-11-27T21:59:47.123456Z"). */
export function apiTimestampMs(value: string): number {
  const ms = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms)) throw new Error(`not an RFC 3339 timestamp: ${value}`);
  return ms;
}

interface TaskRecord {
  readonly status?: string;
  readonly createdAt?: string;
  readonly finishedAt?: string | null;
}

/** Polls each accepted task until it has finished (or the time is up); returns the finished records. */
async function finished(baseUrl: string, ids: readonly string[], timeoutMs: number): Promise<TaskRecord[]> {
  const deadline = now() + timeoutMs;
  const done = new Map<string, TaskRecord>();
  while (done.size < ids.length && now() < deadline) {
    for (const id of ids.filter((i) => !done.has(i))) {
      const task = await fetch(`${baseUrl}/simulate/heavy-task/${id}`).then((r) => r.json() as Promise<TaskRecord>, () => undefined);
      if (task?.status === 'succeeded' || task?.status === 'failed') done.set(id, task);
    }
    if (done.size < ids.length) await sleep(200);
  }
  return [...done.values()];
}

/**
 * Waves of concurrent POST /simulate/heavy-task against HEAVY_TASK_QUEUE_LIMIT: the queue may never hold
 * more than the limit, and every 429 must say when to come back.
 */
export async function taskFlood(lab: Lab): Promise<FaultResult> {
  const name = 'heavy-task flood';
  lab.log(name);
  const replica = await lab.replica({ env: { HEAVY_TASK_QUEUE_LIMIT: String(queueLimit), HEAVY_TASK_CONCURRENCY: '1' } });
  const started = now();
  const samples: Sample[] = [];
  const accepted: number[] = [];
  const succeeded: number[] = [];
  const mostUnfinished: number[] = [];
  for (let wave = 1; wave <= waves; wave++) {
    const answers = await Promise.all(
      Array.from({ length: postsPerWave }, () =>
        send(replica.baseUrl(), { route: 'heavy-task', method: 'POST', path: '/simulate/heavy-task', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ workMs }), touchesPostgres: true }, 20_000),
      ),
    );
    samples.push(...answers.map((a) => a.sample));
    const ids = answers.filter((a) => a.sample.status === 202).map((a) => String((a.json as { taskId?: unknown } | undefined)?.taskId));
    accepted.push(ids.length);
    const records = await finished(replica.baseUrl(), ids, 30_000);
    succeeded.push(records.filter((r) => r.status === 'succeeded').length);
    // Tasks finish while a wave is still arriving and free their slots, so a wave may be accepted past the
    // limit; what may not happen is more than `limit` accepted tasks unfinished at one instant. Each task's
    // [createdAt, finishedAt] lies inside the time it held a slot, so their overlap bounds the queue's.
    mostUnfinished.push(maxConcurrent(records.map((r) => [apiTimestampMs(r.createdAt ?? ''), apiTimestampMs(r.finishedAt ?? '')] as const)));
  }
  await replica.reviveIfDead();
  const exit = await replica.stop();
  const refused = samples.filter((s) => s.status === 429);
  const checks: Check[] = [
    ...commonChecks(samples, [], replica.deaths, undefined),
    { name: `at most ${queueLimit} accepted tasks unfinished at once`, ok: mostUnfinished.every((n) => n <= queueLimit), detail: `most per wave: ${mostUnfinished.join(', ')}` },
    { name: 'every 429 carries Retry-After', ok: refused.every((s) => s.retryAfter !== undefined), detail: `${refused.filter((s) => s.retryAfter !== undefined).length} of ${refused.length}` },
    { name: 'every accepted task finished', ok: succeeded.every((n, i) => n === accepted[i]), detail: succeeded.map((n, i) => `${n}/${accepted[i]}`).join(', ') },
  ];
  return {
    name,
    description: `${waves} waves of ${postsPerWave} concurrent POST /simulate/heavy-task (workMs ${workMs}) against HEAVY_TASK_QUEUE_LIMIT=${queueLimit}, HEAVY_TASK_CONCURRENCY=1, each wave on an empty queue`,
    durationMs: now() - started,
    ...summarise(samples, [{ at: started, phase: 'during' }]),
    deaths: replica.deaths,
    allowed5xx: [],
    facts: [
      ['accepted (202) per wave', `${accepted.join(', ')} (tasks that finish during a wave free their slots)`],
      ['most accepted tasks unfinished at one instant, per wave', mostUnfinished.join(', ')],
      ['refused (429) with Retry-After', `${refused.filter((s) => s.retryAfter !== undefined).length} of ${refused.length}`],
      ['exit on SIGTERM at the end', `${exit.exitCode} after ${Math.round(exit.exitMs)} ms`],
    ],
    checks,
    goals: [],
  };
}
