import type { Options } from 'k6/options';
import { durationParam, durationSeconds, numberParam, type Env } from '../lib/params.ts';

export const retryStormParams = {
  /** New logical requests per second (each may become several HTTP attempts). */
  RATE: '20',
  /** Length of each phase: immediate retries first, then backoff with jitter. */
  PHASE: '2m',
  /** Quiet gap between the phases, so the dashboards show two separate humps. */
  PAUSE: '30s',
  /** Failure probability the service is asked to inject (/simulate/error?rate=). */
  ERROR_RATE: '0.5',
  /** Retries after the first attempt. */
  MAX_RETRIES: '5',
  BACKOFF_BASE_MS: '100',
  BACKOFF_CAP_MS: '5000',
  MAX_VUS: '300',
} as const;

export const strategyTag = { immediate: 'immediate', backoff: 'backoff-jitter' } as const;

/**
 * Two phases against the same failing endpoint: clients that retry at once, then clients that back off with
 * full jitter. k6's custom counters (retry_attempts / logical_requests, tagged client_strategy) give the
 * amplification per strategy; the service's request-rate panels show the storm itself.
 */
export function retryStormOptions(env: Env): Options {
  const num = (name: keyof typeof retryStormParams) => numberParam(env, name, Number(retryStormParams[name]));
  const phase = durationParam(env, 'PHASE', retryStormParams.PHASE);
  const pause = durationParam(env, 'PAUSE', retryStormParams.PAUSE);
  const rate = num('RATE');
  const common = {
    executor: 'constant-arrival-rate' as const,
    rate,
    timeUnit: '1s',
    duration: phase,
    preAllocatedVUs: Math.max(10, rate),
    maxVUs: num('MAX_VUS'),
  };
  return {
    scenarios: {
      'immediate-retries': { ...common, exec: 'immediateRetries', tags: { client_strategy: strategyTag.immediate } },
      'backoff-retries': {
        ...common,
        exec: 'backoffRetries',
        startTime: `${durationSeconds(phase) + durationSeconds(pause)}s`,
        tags: { client_strategy: strategyTag.backoff },
      },
    },
    thresholds: {
      // Both phases must actually have run for the comparison to mean anything.
      [`logical_requests{client_strategy:${strategyTag.immediate}}`]: ['count>0'],
      [`logical_requests{client_strategy:${strategyTag.backoff}}`]: ['count>0'],
      retry_attempts: ['count>0'],
    },
  };
}
