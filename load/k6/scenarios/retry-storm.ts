import { sleep } from 'k6';
import http from 'k6/http';
import { Counter, Rate } from 'k6/metrics';
import { retryStormOptions, retryStormParams } from './retry-storm.options.ts';
import { numberParam } from '../lib/params.ts';
import { targetFromEnv } from '../lib/target.ts';
import { fullJitterDelayMs, type BackoffPolicy } from '../lib/backoff.ts';
import { simulateError } from '../lib/shop.ts';

export const options = retryStormOptions(__ENV);

const target = targetFromEnv(__ENV);
const num = (name: keyof typeof retryStormParams): number => numberParam(__ENV, name, Number(retryStormParams[name]));
const errorRate = num('ERROR_RATE');
const maxRetries = num('MAX_RETRIES');
const policy: BackoffPolicy = { baseMs: num('BACKOFF_BASE_MS'), capMs: num('BACKOFF_CAP_MS') };

/** Every HTTP attempt, first tries included: attempts / logical requests is the amplification. */
const retryAttempts = new Counter('retry_attempts');
const logicalRequests = new Counter('logical_requests');
const logicalSuccess = new Rate('logical_success');

/** The injected 500s are the experiment, not a failure of the run: mark them expected. */
const expected = http.expectedStatuses({ min: 200, max: 299 }, 500, 503);

function callWithRetries(delayBeforeRetryMs: (attempt: number) => number): void {
  logicalRequests.add(1);
  for (let attempt = 0; attempt <= maxRetries; attempt++) {
    if (attempt > 0) {
      const delay = delayBeforeRetryMs(attempt - 1);
      if (delay > 0) sleep(delay / 1000);
    }
    retryAttempts.add(1);
    const res = simulateError(target, errorRate, { expectedStatuses: expected, tags: { attempt: attempt === 0 ? 'first' : 'retry' } });
    if (res.status >= 200 && res.status < 300) {
      logicalSuccess.add(true);
      return;
    }
  }
  logicalSuccess.add(false);
}

export function immediateRetries(): void {
  callWithRetries(() => 0);
}

export function backoffRetries(): void {
  callWithRetries((attempt) => fullJitterDelayMs(policy, attempt, Math.random()));
}
