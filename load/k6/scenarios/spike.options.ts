import type { Options } from 'k6/options';
import { durationParam, numberParam, type Env } from '../lib/params.ts';
import { perRouteThresholds } from '../lib/thresholds.ts';
import { businessRoutes } from '../lib/routes.ts';

export const spikeParams = {
  /** Steady rate before and after the spike, iterations per second. */
  BASE_RATE: '5',
  /** Rate at the top of the spike. */
  SPIKE_RATE: '150',
  /** How long the spike lasts at its top. */
  SPIKE_HOLD: '1m',
  MAX_VUS: '400',
  POOL_SIZE: '50',
  /** A spike is allowed to hurt: looser budgets than load-test, but still a budget. */
  P95_MS: '1500',
  P99_MS: '3000',
  MAX_ERROR_RATE: '0.05',
} as const;

/** Quiet, a sudden ten-second climb, a hold, a drop, and a quiet tail to watch the recovery. */
export function spikeOptions(env: Env): Options {
  const num = (name: keyof typeof spikeParams) => numberParam(env, name, Number(spikeParams[name]));
  const base = num('BASE_RATE');
  const spike = num('SPIKE_RATE');
  return {
    scenarios: {
      spike: {
        executor: 'ramping-arrival-rate',
        exec: 'mixed',
        startRate: base,
        timeUnit: '1s',
        preAllocatedVUs: Math.max(10, Math.ceil(spike / 4)),
        maxVUs: num('MAX_VUS'),
        stages: [
          { target: base, duration: '1m' },
          { target: spike, duration: '10s' },
          { target: spike, duration: durationParam(env, 'SPIKE_HOLD', spikeParams.SPIKE_HOLD) },
          { target: base, duration: '10s' },
          { target: base, duration: '2m' },
        ],
      },
    },
    thresholds: perRouteThresholds(businessRoutes, { p95Ms: num('P95_MS'), p99Ms: num('P99_MS'), maxErrorRate: num('MAX_ERROR_RATE') }),
  };
}
