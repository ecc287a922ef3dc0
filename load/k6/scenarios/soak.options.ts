import type { Options } from 'k6/options';
import { durationParam, numberParam, type Env } from '../lib/params.ts';
import { perRouteThresholds } from '../lib/thresholds.ts';
import { businessRoutes } from '../lib/routes.ts';

export const soakParams = {
  /** Moderate, constant arrival rate: a soak looks for leaks and drift, not for the ceiling. */
  RATE: '15',
  DURATION: '1h',
  MAX_VUS: '100',
  POOL_SIZE: '50',
  P95_MS: '300',
  P99_MS: '800',
  MAX_ERROR_RATE: '0.01',
} as const;

export function soakOptions(env: Env): Options {
  const num = (name: keyof typeof soakParams) => numberParam(env, name, Number(soakParams[name]));
  const rate = num('RATE');
  return {
    scenarios: {
      soak: {
        executor: 'constant-arrival-rate',
        exec: 'mixed',
        rate,
        timeUnit: '1s',
        duration: durationParam(env, 'DURATION', soakParams.DURATION),
        preAllocatedVUs: Math.max(5, Math.ceil(rate / 2)),
        maxVUs: num('MAX_VUS'),
      },
    },
    thresholds: {
      ...perRouteThresholds(businessRoutes, { p95Ms: num('P95_MS'), p99Ms: num('P99_MS'), maxErrorRate: num('MAX_ERROR_RATE') }),
      // Drift shows as dropped iterations long before it shows as errors.
      dropped_iterations: ['count<100'],
    },
  };
}
