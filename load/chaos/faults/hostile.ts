import { randomUUID } from 'node:crypto';
import { send } from '../client.ts';
import type { Lab } from '../lab.ts';
import { sendRaw } from '../raw-http.ts';
import { commonChecks, summarise, type Check, type FaultResult } from '../result.ts';
import type { Sample } from '../samples.ts';
import { now } from './timing.ts';
import { hostileCases, judge, type Expectation, type HostileCase } from './hostile-cases.ts';

const fetchTimeoutMs = 5_000;
/** A raw request the server holds (a body that never comes) is given up on after this long. */
const rawTimeoutMs = 2_000;

/** The catalogue, repeated until it makes at least `total` requests; `once` cases are sent once. */
export function schedule(cases: readonly HostileCase[], total: number): HostileCase[] {
  const repeated = cases.filter((c) => !c.once);
  if (repeated.length === 0) return [...cases];
  const rounds = Math.max(1, Math.ceil((total - (cases.length - repeated.length)) / repeated.length));
  const list = [...cases.filter((c) => c.once)];
  for (let i = 0; i < rounds; i++) list.push(...repeated);
  return list;
}

async function sendCase(baseUrl: string, hostile: HostileCase): Promise<{ sample: Sample; allow?: string }> {
  const request = hostile.request;
  if (request.kind === 'fetch') {
    const answer = await send(baseUrl, { route: hostile.category, method: request.method, path: request.path, headers: request.headers, body: request.body, touchesPostgres: false }, fetchTimeoutMs);
    const allow = answer.headers?.get('allow') ?? undefined;
    return { sample: answer.sample, ...(allow !== undefined ? { allow } : {}) };
  }
  const startedAt = now();
  const reply = await sendRaw(Number(new URL(baseUrl).port), request.bytes, rawTimeoutMs);
  const sample: Sample = {
    route: hostile.category,
    touchesPostgres: false,
    startedAt,
    endedAt: now(),
    ...(reply.status !== undefined ? { status: reply.status } : {}),
    ...(reply.failure !== undefined ? { failure: reply.failure } : {}),
    connectionClose: (reply.headers.connection ?? '').toLowerCase() === 'close',
  };
  return { sample, ...(reply.headers.allow !== undefined ? { allow: reply.headers.allow } : {}) };
}

/** Expectations a closed connection meets: protocol garbage and oversized uploads may be cut off. */
const closingIsAnAnswer = new Set<Expectation>(['rejected-or-closed', 'too-large']);

/** Which check a wrong answer to an expectation fails. */
const checkOf: Record<Expectation, string> = {
  'not-resolved': 'non-canonical ids never resolve',
  'method-not-allowed': 'unserved methods answer 405 with Allow',
  rejected: 'malformed input refused with a 4xx',
  'rejected-or-closed': 'malformed input refused with a 4xx',
  'too-large': 'oversized bodies refused with 413',
  survives: 'no 5xx',
};

/** Thousands of malformed requests of every kind from concurrent keep-alive clients (and raw sockets). */
export async function hostileInput(lab: Lab): Promise<FaultResult> {
  const name = 'hostile input';
  const replica = await lab.replica();
  const cases = hostileCases(
    (rank) => {
      const id = lab.decoys[rank - 1];
      if (id === undefined) throw new Error(`no decoy of rank ${rank}`);
      return id;
    },
    () => `hostile-${randomUUID()}`,
  );
  const work = schedule(cases, lab.options.hostileRequests);
  lab.log(`${name}: ${work.length} requests from ${cases.length} cases`);
  const started = now();
  const samples: Sample[] = [];
  const problems = new Map<string, { expectation: Expectation; count: number; example: string }>();
  const resets = new Map<string, number>();
  let next = 0;
  await Promise.all(
    Array.from({ length: lab.options.clients }, async () => {
      while (next < work.length) {
        const hostile = work[next++]!;
        const { sample, allow } = await sendCase(replica.baseUrl(), hostile);
        samples.push(sample);
        const key = `${hostile.category}: ${hostile.name}`;
        if (hostile.request.kind === 'fetch' && sample.failure === 'reset' && !closingIsAnAnswer.has(hostile.expect)) {
          // Not this request's fault: the keep-alive connection it was sent on had been closed by the
          // server after an earlier answer that did not say `Connection: close`.
          resets.set(key, (resets.get(key) ?? 0) + 1);
          continue;
        }
        const problem = judge(hostile.expect, { ...(sample.status !== undefined ? { status: sample.status } : {}), ...(allow !== undefined ? { allow } : {}), ...(sample.failure !== undefined ? { failure: sample.failure } : {}) });
        if (problem) {
          const seen = problems.get(key);
          problems.set(key, { expectation: hostile.expect, count: (seen?.count ?? 0) + 1, example: seen?.example ?? problem });
        }
      }
    }),
  );
  const marks = [{ at: started, phase: 'during' as const }];
  const ready = await replica.service.fetch('/health/ready').then((r) => r.status, () => undefined);
  await replica.reviveIfDead();
  const exit = await replica.stop();

  const grouped = new Map<string, string[]>();
  for (const [key, p] of problems) {
    const check = checkOf[p.expectation];
    if (check === 'no 5xx') continue;
    grouped.set(check, [...(grouped.get(check) ?? []), `${key} → ${p.example}${p.count > 1 ? ` (×${p.count})` : ''}`]);
  }
  const expectationChecks: Check[] = [...new Set(Object.values(checkOf))]
    .filter((check) => check !== 'no 5xx')
    .map((check) => {
      const list = grouped.get(check) ?? [];
      return { name: check, ok: list.length === 0, detail: list.length === 0 ? 'all' : list.join('; ') };
    });
  const byCategory = new Map<string, number>();
  for (const s of samples) byCategory.set(s.route, (byCategory.get(s.route) ?? 0) + 1);
  return {
    name,
    description: `${work.length} malformed requests (${cases.length} kinds: bad JSON, huge bodies, bad and non-canonical ids, wrong methods, unicode, NUL, deep nesting, wrong content types, header and protocol abuse, bad queries) from ${lab.options.clients} concurrent clients, over fetch keep-alive and raw sockets`,
    durationMs: now() - started,
    ...summarise(samples, marks),
    deaths: replica.deaths,
    allowed5xx: [],
    facts: [
      ['requests by kind', [...byCategory].map(([category, count]) => `${category} ${count}`).join(', ')],
      ['readiness afterwards', String(ready ?? 'no answer')],
      ['exit on SIGTERM at the end', `${exit.exitCode} after ${Math.round(exit.exitMs)} ms`],
    ],
    checks: [
      ...commonChecks(samples, [], replica.deaths, undefined),
      { name: 'ready afterwards', ok: ready === 200, detail: String(ready ?? 'no answer') },
      {
        name: 'no keep-alive request reset (a connection the server closes is announced with Connection: close)',
        ok: resets.size === 0,
        detail: resets.size === 0 ? 'none' : `${[...resets.values()].reduce((a, b) => a + b, 0)} requests reset: ${[...resets].map(([key, n]) => `${key} (×${n})`).join('; ')}`,
      },
      ...expectationChecks,
    ],
    goals: [],
  };
}
