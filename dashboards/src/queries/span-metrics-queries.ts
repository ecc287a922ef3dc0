/**
 * PromQL over Tempo's span metrics for the shop service's SERVER spans. These are the only latency
 * series in the stack that carry exemplars (the service's own OTLP histograms cannot), so every
 * "click a dot to open the trace" panel is built from here.
 *
 * SERVER spans are named `<METHOD> <route>` (e.g. `GET /api/items/:id`), so a route regex becomes a
 * regex on `span_name` (Prometheus anchors it at both ends). Probe routes are left out as in the
 * service's own RED queries.
 */
import {
  spanKinds,
  spanMetricsLabels as s,
  spanMetricsLatency,
} from '../metrics/known/tempo-metrics-generator';
import { shopService } from '../service-identity';
import { rateInterval } from './service-queries';


/** `span_name` regex for a route regex: any HTTP method, a space, then the route. */
export function spanNameForRoute(routeRegex: string): string {
  return `[A-Z]+ ${routeRegex}`;
}

/** Matchers for the service's SERVER spans, optionally narrowed to a route regex. */
export function serverSpanMatchers(routeRegex?: string): string {
  const matchers = [
    `${s.service}="${shopService.name}"`,
    `${s.spanKind}="${spanKinds.server}"`,
    `${s.spanName}!~"${spanNameForRoute(shopService.probeRouteRegex)}"`,
    ...(routeRegex ? [`${s.spanName}=~"${spanNameForRoute(routeRegex)}"`] : []),
  ];
  return `{${matchers.join(', ')}}`;
}

export const serverSpans = {
  /** Quantile of SERVER span duration; ask for exemplars on this one to get trace-linked dots. */
  latencyQuantile: (q: number, routeRegex?: string, by: string = s.spanName) =>
    `histogram_quantile(${q}, sum by (le, ${by}) (rate(${spanMetricsLatency}_bucket${serverSpanMatchers(routeRegex)}[${rateInterval}])))`,
};
