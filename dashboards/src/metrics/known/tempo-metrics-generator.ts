/**
 * Tempo metrics-generator series, remote-written to Prometheus.
 * Source: Tempo docs "Service graphs" (metrics) and "Span metrics" (default names, classic histograms).
 * Labels: service graph `client`, `server`, `connection_type`; span metrics `service`, `span_name`,
 * `span_kind`, `status_code`.
 */
export const tempoMetricsGeneratorMetrics = [
  'traces_service_graph_request_total',
  'traces_service_graph_request_failed_total',
  'traces_service_graph_unpaired_spans_total',
  'traces_service_graph_dropped_spans_total',
  'traces_service_graph_request_server_seconds_bucket',
  'traces_service_graph_request_server_seconds_sum',
  'traces_service_graph_request_server_seconds_count',
  'traces_service_graph_request_client_seconds_bucket',
  'traces_service_graph_request_client_seconds_sum',
  'traces_service_graph_request_client_seconds_count',
  'traces_spanmetrics_calls_total',
  'traces_spanmetrics_size_total',
  'traces_spanmetrics_latency_bucket',
  'traces_spanmetrics_latency_sum',
  'traces_spanmetrics_latency_count',
] as const;
