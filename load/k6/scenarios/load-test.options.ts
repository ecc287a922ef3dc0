import type { Options } from 'k6/options';
import { durationParam, numberParam, type Env } from '../lib/params.ts';
import { perRouteThresholds } from '../lib/thresholds.ts';
import { businessRoutes } from '../lib/routes.ts';

export const loadTestParams = {
  /** Peak arrival rate, iterations (≈ requests) per second. */
  RATE: '30',
  /** Time to ramp from 1/s to RATE. */
  RAMP: '1m',
  /** Time held at RATE. */
  HOLD: '3m',
  /** VU ceiling for the arrival-rate executor (a slow service needs more VUs to keep the rate). */
  MAX_VUS: '200',
  /** Items created in setup and read, ordered and patched by the mix. */
  POOL_SIZE: '50',
  P95_MS: '300',
  P99_MS: '800',
  MAX_ERROR_RATE: '0.01',
} as const;

/** Open model (arrival rate), so a slowing service gets the same demand and queues, as real users would. */
export function loadTestOptions(env: Env): Options {
  const num = (name: keyof typeof loadTestParams) => numberParam(env, name, Number(loadTestParams[name]));
  const rate = num('RATE');
  return {
    scenarios: {
      'load-test': {
        executor: 'ramping-arrival-rate',
        exec: 'mixed',
        startRate: 1,
        timeUnit: '1s',
        preAllocatedVUs: Math.max(5, Math.ceil(rate / 2)),
        maxVUs: num('MAX_VUS'),
        stages: [
          { target: rate, duration: durationParam(env, 'RAMP', loadTestParams.RAMP) },
          { target: rate, duration: durationParam(env, 'HOLD', loadTestParams.HOLD) },
          { target: 0, duration: '30s' },
        ],
      },
    },
    thresholds: {
      ...perRouteThresholds(businessRoutes, { p95Ms: num('P95_MS'), p99Ms: num('P99_MS'), maxErrorRate: num('MAX_ERROR_RATE') }),
      'http_req_failed{target:service}': [`rate<${num('MAX_ERROR_RATE')}`],
      dropped_iterations: [`count<${Math.max(1, Math.ceil(rate * 5))}`],
    },
  };
}
