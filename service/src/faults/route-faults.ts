import { setTimeout as sleep } from 'node:timers/promises';
import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import type { FaultFlags } from './fault-flags';
import { InjectedFault } from './injected-fault';

/** What `routePath(c, -1)` reports when no route, only the app-wide middleware, matched the request. */
const unmatched = '/*';

/**
 * The route-scoped faults, ahead of the handler: the added latency first, then the injected error, so an
 * error-rate fault on a slowed route answers as late as its successes. Both flags are read once per
 * request for the route the handler is registered under (the span's http.route); requests no route
 * matches (404, 405) are left alone.
 */
export function routeFaults(flags: FaultFlags): MiddlewareHandler {
  return async (c, next) => {
    // The last matched entry is the handler that will answer: routes are registered after all middleware.
    const route = routePath(c, -1);
    if (route === unmatched) return next();
    const { errorRate, addedLatencyMs } = flags.routeFaults(route);
    if (addedLatencyMs > 0) await sleep(addedLatencyMs);
    if (errorRate > 0 && Math.random() < errorRate) {
      throw new InjectedFault(`injected fault: http-error-rate ${errorRate} on ${route}`);
    }
    return next();
  };
}
