import type { Options } from 'k6/options';
import { durationParam, durationSeconds, stringParam, type Env } from '../lib/params.ts';

/** Parameters the smoke scenario reads from its environment, with their defaults. */
export const smokeParams = {
  /** How long to wait, in all, for the traced requests to show up in Tempo, Loki and Prometheus. */
  SIGNAL_TIMEOUT: '2m',
  /** Pause between two look-ups. */
  SIGNAL_POLL: '5s',
  /** OTEL_SERVICE_NAME of the service (Loki service_name label, Prometheus job label). */
  SERVICE_NAME: 'shop-api',
  /** 'false' skips the telemetry proof (e.g. against a service with no backends). */
  CHECK_TELEMETRY: 'true',
  /** How long setup() waits for GET /health/ready through the router to answer 200 before the run starts. */
  READY_TIMEOUT: '90s',
  /** Pause between two readiness polls. */
  READY_POLL: '2s',
} as const;

/** One threshold per signal, so a failed run names the signal that did not arrive. */
export const signalThresholds: NonNullable<Options['thresholds']> = {
  'checks{signal:traces}': ['rate==1'],
  'checks{signal:logs}': ['rate==1'],
  'checks{signal:metrics}': ['rate==1'],
};

/**
 * One VU, one iteration: touch every route once, then prove the telemetry pipeline. Any failed request to the
 * service or failed check fails the run (k6 exits 99), and a per-signal threshold names the signal missing.
 */
export function smokeOptions(env: Env): Options {
  const timeout = durationParam(env, 'SIGNAL_TIMEOUT', smokeParams.SIGNAL_TIMEOUT);
  const checkTelemetry = stringParam(env, 'CHECK_TELEMETRY', smokeParams.CHECK_TELEMETRY) !== 'false';
  const readyTimeout = durationParam(env, 'READY_TIMEOUT', smokeParams.READY_TIMEOUT);
  return {
    // setup() polls readiness for up to READY_TIMEOUT; k6 would otherwise cut it at its 60 s default.
    setupTimeout: `${Math.ceil(durationSeconds(readyTimeout)) + 30}s`,
    scenarios: {
      smoke: {
        executor: 'per-vu-iterations',
        exec: 'smoke',
        vus: 1,
        iterations: 1,
        // Room for the routes plus the whole signal wait, so k6 never cuts the wait short.
        maxDuration: `${Math.ceil(durationSeconds(timeout)) + 120}s`,
      },
    },
    thresholds: {
      'http_req_failed{target:service}': ['rate==0'],
      checks: ['rate==1'],
      ...(checkTelemetry ? signalThresholds : {}),
    },
  };
}
