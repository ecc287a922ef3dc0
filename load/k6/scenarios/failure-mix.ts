import { sleep } from 'k6';
import http from 'k6/http';
import { failureMixOptions, failureMixParams } from './failure-mix.options.ts';
import { numberParam } from '../lib/params.ts';
import { targetFromEnv } from '../lib/target.ts';
import * as shop from '../lib/shop.ts';

export const options = failureMixOptions(__ENV);

const target = targetFromEnv(__ENV);
const num = (name: keyof typeof failureMixParams): number => numberParam(__ENV, name, Number(failureMixParams[name]));
// Read once in the init context: a bad value fails the run before the first request.
const latencyMs = num('LATENCY_MS');
const latencyJitterMs = num('LATENCY_JITTER_MS');
const errorRate = num('ERROR_RATE');
const slowQueryMs = num('SLOW_QUERY_MS');
const injectedFailures = http.expectedStatuses({ min: 200, max: 299 }, 500, 503);

export function latency(): void {
  shop.simulateLatency(target, latencyMs, latencyJitterMs);
}

export function errors(): void {
  shop.simulateError(target, errorRate, { expectedStatuses: injectedFailures });
}

const unfinished = new Set(['queued', 'pending', 'running']);

/** Start a task, then poll it a few times so the task's read path and its outcome show up too. */
export function heavyTasks(): void {
  const taskId = shop.startHeavyTask(target);
  if (taskId === undefined) return;
  for (let poll = 0; poll < 10; poll++) {
    sleep(1);
    const res = shop.readHeavyTask(target, taskId);
    let status: unknown;
    try {
      status = (JSON.parse(String(res.body)) as { status?: unknown }).status;
    } catch {
      return;
    }
    if (typeof status !== 'string' || !unfinished.has(status)) return;
  }
}

export function slowQueries(): void {
  shop.slowQuery(target, slowQueryMs);
}
