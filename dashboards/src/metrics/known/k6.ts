/**
 * k6 1.x `experimental-prometheus-rw` output names, with its defaults (trend stats `p(99)`, no native
 * histograms). Source: k6 docs "Prometheus remote write" (results-output/real-time) metrics mapping:
 * every series prefixed `k6_`; Counter -> `_total`, Rate -> `_rate`, Gauge -> plain, Trend -> one gauge
 * per stat (`_p99`, in seconds for time trends). Built-in metric names from the k6 "Built-in metrics" page.
 * If the load generator sets K6_PROMETHEUS_RW_TREND_STATS it must keep `p(99)`.
 */
export const k6Metrics = [
  'k6_vus',
  'k6_vus_max',
  'k6_iterations_total',
  'k6_dropped_iterations_total',
  'k6_data_sent_total',
  'k6_data_received_total',
  'k6_http_reqs_total',
  'k6_checks_rate',
  'k6_http_req_failed_rate',
  'k6_http_req_duration_p99',
  'k6_iteration_duration_p99',
  // Custom counters of the retry-storm scenario (load/k6/scenarios/retry-storm.ts), tagged client_strategy.
  'k6_retry_attempts_total',
  'k6_logical_requests_total',
] as const;
