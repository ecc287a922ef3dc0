import type { Options } from 'k6/options';
import { durationParam, numberParam, type Env } from '../lib/params.ts';

export const failureMixParams = {
  DURATION: '5m',
  /** Requests per second on each failure route. */
  LATENCY_RATE: '5',
  ERROR_RPS: '5',
  TASK_RATE: '1',
  SLOW_QUERY_RATE: '2',
  /** What each route is asked to do. */
  LATENCY_MS: '300',
  LATENCY_JITTER_MS: '200',
  ERROR_RATE: '0.2',
  SLOW_QUERY_MS: '500',
  MAX_VUS: '100',
} as const;

/**
 * Feeds the failure-lab dashboard: injected latency, injected errors, background heavy tasks (queue depth,
 * task duration) and slow queries (DB pool pressure), all at once, each at its own constant rate.
 */
export function failureMixOptions(env: Env): Options {
  const num = (name: keyof typeof failureMixParams) => numberParam(env, name, Number(failureMixParams[name]));
  const duration = durationParam(env, 'DURATION', failureMixParams.DURATION);
  const scenario = (exec: string, rate: number) => ({
    executor: 'constant-arrival-rate' as const,
    exec,
    rate,
    timeUnit: '1s',
    duration,
    preAllocatedVUs: Math.max(2, Math.ceil(rate * 2)),
    maxVUs: num('MAX_VUS'),
  });
  return {
    scenarios: {
      latency: scenario('latency', num('LATENCY_RATE')),
      errors: scenario('errors', num('ERROR_RPS')),
      'heavy-tasks': scenario('heavyTasks', num('TASK_RATE')),
      'slow-queries': scenario('slowQueries', num('SLOW_QUERY_RATE')),
    },
    thresholds: {
      // Injected failures are expected; a failure on the routes that should not fail is not.
      'http_req_failed{route:simulate-latency}': ['rate<0.01'],
      'http_req_failed{route:slow-query}': ['rate<0.05'],
      'http_req_failed{route:heavy-task-start}': ['rate<0.05'],
    },
  };
}
