import type { Lab } from '../lab.ts';
import { send } from '../client.ts';
import { commonChecks, summarise, type Check, type FaultResult } from '../result.ts';
import type { Sample } from '../samples.ts';
import { now, sleep } from './timing.ts';

const queueLimit = 10;
const postsPerWave = 100;
const waves = 2;
// Short tasks: with a broken limit every post of a wave is accepted, and the campaign waits for them all.
const workMs = 50;

/** Polls each accepted task until it has finished; returns how many succeeded. */
async function finished(baseUrl: string, ids: readonly string[], timeoutMs: number): Promise<number> {
  const deadline = now() + timeoutMs;
  const done = new Map<string, string>();
  while (done.size < ids.length && now() < deadline) {
    for (const id of ids.filter((i) => !done.has(i))) {
      const body = await fetch(`${baseUrl}/simulate/heavy-task/${id}`).then((r) => r.json() as Promise<{ status?: string }>, () => undefined);
      if (body?.status === 'succeeded' || body?.status === 'failed') done.set(id, body.status);
    }
    if (done.size < ids.length) await sleep(200);
  }
  return [...done.values()].filter((status) => status === 'succeeded').length;
}

/**
 * Waves of concurrent POST /simulate/heavy-task against HEAVY_TASK_QUEUE_LIMIT: a wave on an empty queue
 * may be accepted up to the limit and no further, and every 429 must say when to come back.
 */
export async function taskFlood(lab: Lab): Promise<FaultResult> {
  const name = 'heavy-task flood';
  lab.log(name);
  const replica = await lab.replica({ env: { HEAVY_TASK_QUEUE_LIMIT: String(queueLimit), HEAVY_TASK_CONCURRENCY: '1' } });
  const started = now();
  const samples: Sample[] = [];
  const accepted: number[] = [];
  const succeeded: number[] = [];
  for (let wave = 1; wave <= waves; wave++) {
    const answers = await Promise.all(
      Array.from({ length: postsPerWave }, () =>
        send(replica.baseUrl(), { route: 'heavy-task', method: 'POST', path: '/simulate/heavy-task', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ workMs }), touchesPostgres: true }, 20_000),
      ),
    );
    samples.push(...answers.map((a) => a.sample));
    const ids = answers.filter((a) => a.sample.status === 202).map((a) => String((a.json as { taskId?: unknown } | undefined)?.taskId));
    accepted.push(ids.length);
    succeeded.push(await finished(replica.baseUrl(), ids, 30_000));
  }
  await replica.reviveIfDead();
  const exit = await replica.stop();
  const refused = samples.filter((s) => s.status === 429);
  const checks: Check[] = [
    ...commonChecks(samples, [], replica.deaths, undefined),
    { name: `accepted per wave <= limit (${queueLimit})`, ok: accepted.every((n) => n <= queueLimit), detail: accepted.join(', ') },
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
      ['accepted (202) per wave', accepted.join(', ')],
      ['refused (429) with Retry-After', `${refused.filter((s) => s.retryAfter !== undefined).length} of ${refused.length}`],
      ['exit on SIGTERM at the end', `${exit.exitCode} after ${Math.round(exit.exitMs)} ms`],
    ],
    checks,
    goals: [],
  };
}
