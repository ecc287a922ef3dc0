/**
 * Tempo metrics-generator series, remote-written to Prometheus (classic histograms, the default).
 * Sources, checked against the grafana/tempo tags v2.9.5, v2.10.8 (the image the infra program pins) and v3.0.3:
 *  - docs "Use the span metrics processor" (metrics-from-traces/span-metrics/span-metrics-metrics-generator.md):
 *    `traces_spanmetrics_latency` (histogram), `traces_spanmetrics_calls_total`, `traces_spanmetrics_size_total`,
 *    default labels `service`, `span_name`, `span_kind` (`SPAN_KIND_SERVER` ...), `status_code` (`STATUS_CODE_ERROR` ...);
 *  - docs "Service graphs": `traces_service_graph_*` with labels `client`, `server`, `connection_type`;
 *  - code modules/generator/processor/spanmetrics/spanmetrics.go and servicegraphs/servicegraphs.go: only the
 *    latency histograms are observed with `ObserveWithExemplar` (the span's trace id); counters carry none;
 *  - code modules/generator/registry/histogram.go: exemplars are appended to the `_bucket` series, under the label
 *    named by the per-tenant override `metrics_generator.trace_id_label_name`, default `traceID`.
 */

/** Span-metrics labels (processor dimension names), as Tempo writes them. */
export const spanMetricsLabels = {
  service: 'service',
  spanName: 'span_name',
  spanKind: 'span_kind',
  statusCode: 'status_code',
} as const;

/** `span_kind` values: the OTLP enum names. */
export const spanKinds = { server: 'SPAN_KIND_SERVER', client: 'SPAN_KIND_CLIENT', internal: 'SPAN_KIND_INTERNAL' } as const;

/** Base name of the span-metrics latency histogram. */
export const spanMetricsLatency = 'traces_spanmetrics_latency';

/** The exemplar label Tempo writes unless `overrides.defaults.metrics_generator.trace_id_label_name` is set. */
export const tempoDefaultExemplarTraceIdLabel = 'traceID';

const histogramSeries = (base: string) => [`${base}_bucket`, `${base}_sum`, `${base}_count`] as const;

/** Histograms Tempo observes with exemplars (one trace id per bucket and collection interval). */
export const tempoExemplarHistograms = [
  spanMetricsLatency,
  'traces_service_graph_request_server_seconds',
  'traces_service_graph_request_client_seconds',
] as const;

/** Exemplars live on the `_bucket` series only (registry/histogram.go appends them to the bucket refs). */
export const tempoExemplarSeries: readonly string[] = tempoExemplarHistograms.map((base) => `${base}_bucket`);

export const tempoMetricsGeneratorMetrics: readonly string[] = [
  'traces_service_graph_request_total',
  'traces_service_graph_request_failed_total',
  'traces_service_graph_unpaired_spans_total',
  'traces_service_graph_dropped_spans_total',
  'traces_spanmetrics_calls_total',
  'traces_spanmetrics_size_total',
  ...tempoExemplarHistograms.flatMap(histogramSeries),
];
