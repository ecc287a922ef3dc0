/**
 * Service level objectives as typed data. The recording rules, the burn-rate alerts and the
 * overview's error-budget panels are all generated from these objects.
 */
import { httpDurationBucketBoundaries } from '../metrics/service-metrics';
import { shopService } from '../service-identity';

export type HttpBucketBoundary = (typeof httpDurationBucketBoundaries)[number];

/** Which requests an SLO counts. */
export interface RequestScope {
  /** Prometheus `job`, i.e. OTel service.name. */
  job: string;
  /** Regex of routes left out (probes are not users). */
  excludedRouteRegex: string;
}

export type ServiceLevelIndicator =
  /** Good = any response that is not a server error. */
  | { kind: 'availability'; badStatusRegex: string }
  /** Good = answered within the threshold; server errors are left to the availability SLO. */
  | { kind: 'latency'; thresholdSeconds: HttpBucketBoundary; excludedStatusRegex: string };

export interface ServiceLevelObjective {
  /** Stable id: the `slo` label of every generated series and alert. */
  name: string;
  /** Alert name prefix (PascalCase). */
  alertPrefix: string;
  description: string;
  /** Fraction of good requests, e.g. 0.995. */
  objective: number;
  /** Rolling window the error budget is computed over. */
  windowDays: number;
  scope: RequestScope;
  sli: ServiceLevelIndicator;
}

/**
 * Every request with a route except probes counts, the /simulate/* routes included: the failure lab
 * exists to burn this budget on purpose, and its alerts are what the walkthrough starts from.
 */
const userTraffic: RequestScope = { job: shopService.name, excludedRouteRegex: shopService.probeRouteRegex };

export const serviceLevelObjectives: readonly ServiceLevelObjective[] = [
  {
    name: 'shop-api-availability',
    alertPrefix: 'ShopApiAvailability',
    description: '99.5% of shop-api requests are answered without a server error (5xx), over 28 days.',
    objective: 0.995,
    windowDays: 28,
    scope: userTraffic,
    sli: { kind: 'availability', badStatusRegex: '5..' },
  },
  {
    name: 'shop-api-latency',
    alertPrefix: 'ShopApiLatency',
    description: '99% of shop-api requests that did not fail are answered within 500 ms, over 28 days.',
    objective: 0.99,
    windowDays: 28,
    scope: userTraffic,
    sli: { kind: 'latency', thresholdSeconds: 0.5, excludedStatusRegex: '5..' },
  },
];

/** Allowed error ratio (1 - objective), rounded so 1 - 0.995 prints as 0.005. */
export function errorBudget(slo: ServiceLevelObjective): number {
  return Number((1 - slo.objective).toPrecision(12));
}
