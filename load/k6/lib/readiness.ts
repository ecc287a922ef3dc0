import { sleep } from 'k6';
import { readinessPoll } from './shop.ts';
import type { Target } from './target.ts';

/** What the readiness poll saw last: the status (0 when the connection failed) and when it gave up. */
export interface Readiness {
  readonly ready: boolean;
  readonly attempts: number;
  readonly lastStatus: number;
}

/**
 * Polls the service's readiness through the same entry the scenario uses (Traefik, with the Host header its
 * router matches) until it answers 200 or `timeoutSeconds` pass. Traefik answers 404 until its file
 * provider has loaded the route and 503 until its load-balancer health check has seen a replica up, and a
 * replica answers 503 while Postgres is unreachable: all of them are "not yet", not failures of the run.
 */
export function pollReadiness(target: Target, timeoutSeconds: number, pollSeconds: number): Readiness {
  const deadline = Date.now() + timeoutSeconds * 1000;
  let attempts = 0;
  let lastStatus = 0;
  for (;;) {
    attempts += 1;
    const res = readinessPoll(target);
    lastStatus = res.status;
    if (res.status === 200) return { ready: true, attempts, lastStatus };
    if (Date.now() + pollSeconds * 1000 > deadline) return { ready: false, attempts, lastStatus };
    sleep(pollSeconds);
  }
}

/** `setup()`'s gate: the scenario starts against a ready service, or the run stops saying why. */
export function requireReady(target: Target, timeoutSeconds: number, pollSeconds: number): void {
  const readiness = pollReadiness(target, timeoutSeconds, pollSeconds);
  if (!readiness.ready) {
    throw new Error(
      `${target.baseUrl}/health/ready (Host: ${target.host}) did not answer 200 within ${timeoutSeconds}s ` +
        `(${readiness.attempts} attempts, last status ${readiness.lastStatus === 0 ? 'no connection' : readiness.lastStatus})`,
    );
  }
}
