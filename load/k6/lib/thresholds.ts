import type { Options } from 'k6/options';
import { routes, type RouteKey } from './routes.ts';

type Thresholds = NonNullable<Options['thresholds']>;

export interface RouteBudget {
  /** p95 latency budget, milliseconds. */
  readonly p95Ms: number;
  /** p99 latency budget, milliseconds. */
  readonly p99Ms: number;
  /** Largest tolerated share of failed requests (0..1). */
  readonly maxErrorRate: number;
}

/**
 * One latency and one error-rate threshold per route, on the route tag every request carries, so a regression
 * on the order path is not hidden by a thousand fast cached reads. Pure: usable from options modules.
 */
export function perRouteThresholds(keys: readonly RouteKey[], budget: RouteBudget): Thresholds {
  const thresholds: Thresholds = {};
  for (const key of keys) {
    const tag = routes[key].route;
    thresholds[`http_req_duration{route:${tag}}`] = [`p(95)<${budget.p95Ms}`, `p(99)<${budget.p99Ms}`];
    thresholds[`http_req_failed{route:${tag}}`] = [`rate<${budget.maxErrorRate}`];
  }
  return thresholds;
}
