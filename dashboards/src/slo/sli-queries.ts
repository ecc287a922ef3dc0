/**
 * The PromQL behind each SLI: the error ratio over a window, from the service's
 * `http.server.request.duration` histogram (names derived from the service's metric list).
 */
import { serviceLabels, serviceProm } from '../metrics/service-metrics';
import type { ServiceLevelObjective } from './slo';

const duration = serviceProm.httpServerRequestDuration;

function matchers(slo: ServiceLevelObjective, extra: readonly string[] = []): string {
  const base = [`${serviceLabels.job}="${slo.scope.job}"`, `${serviceLabels.route}!~"${slo.scope.excludedRouteRegex}"`];
  return `{${[...base, ...extra].join(', ')}}`;
}

/** Error ratio (bad / all requests in scope) over `window`; 0 when there were requests but no bad ones. */
export function errorRatioExpr(slo: ServiceLevelObjective, window: string): string {
  const sli = slo.sli;
  if (sli.kind === 'availability') {
    const all = `sum(rate(${duration}_count${matchers(slo)}[${window}]))`;
    const bad = `sum(rate(${duration}_count${matchers(slo, [`${serviceLabels.statusCode}=~"${sli.badStatusRegex}"`])}[${window}]))`;
    return `(${bad} or vector(0)) / ${all}`;
  }
  const scoped = [`${serviceLabels.statusCode}!~"${sli.excludedStatusRegex}"`];
  const all = `sum(rate(${duration}_count${matchers(slo, scoped)}[${window}]))`;
  const fast = `sum(rate(${duration}_bucket${matchers(slo, [...scoped, `le="${sli.thresholdSeconds}"`])}[${window}]))`;
  return `(${all} - ${fast}) / ${all}`;
}
