/** PromQL over the platform around the service: edge, datastores, telemetry pipeline, load generator. */
import { rateInterval as ri } from './service-queries';

export const traefik = {
  requests: () => `sum(rate(traefik_service_requests_total[${ri}]))`,
  requestsByCode: () => `sum by (service, code) (rate(traefik_service_requests_total[${ri}]))`,
  p95: () =>
    `histogram_quantile(0.95, sum by (le, service) (rate(traefik_service_request_duration_seconds_bucket[${ri}])))`,
  backendsUp: () => `sum by (service, url) (traefik_service_server_up)`,
};

export const postgres = {
  up: () => `min(pg_up)`,
  connectionsUsed: () => `sum(pg_stat_database_numbackends) / max(pg_settings_max_connections)`,
  connectionsByState: () => `sum by (state) (pg_stat_activity_count)`,
  transactions: () =>
    `sum(rate(pg_stat_database_xact_commit[${ri}]))`,
  rollbacks: () => `sum(rate(pg_stat_database_xact_rollback[${ri}]))`,
  bufferHitRatio: () =>
    `sum(rate(pg_stat_database_blks_hit[${ri}])) / (sum(rate(pg_stat_database_blks_hit[${ri}])) + sum(rate(pg_stat_database_blks_read[${ri}])))`,
  deadlocks: () => `sum(increase(pg_stat_database_deadlocks[${ri}]))`,
  longestTransaction: () => `max(pg_stat_activity_max_tx_duration)`,
};

export const redis = {
  up: () => `min(redis_up)`,
  memoryUsed: () => `sum(redis_memory_used_bytes)`,
  memoryUsedRatio: () => `sum(redis_memory_used_bytes) / sum(redis_memory_max_bytes > 0)`,
  clients: () => `sum(redis_connected_clients)`,
  keyspaceHitRatio: () =>
    `sum(rate(redis_keyspace_hits_total[${ri}])) / (sum(rate(redis_keyspace_hits_total[${ri}])) + sum(rate(redis_keyspace_misses_total[${ri}])))`,
  commands: () => `sum(rate(redis_commands_processed_total[${ri}]))`,
  evictions: () => `sum(rate(redis_evicted_keys_total[${ri}]))`,
};

const signals = ['spans', 'metric_points', 'log_records'] as const;
export const collector = {
  accepted: () => signals.map((s) => ({ expr: `sum(rate(otelcol_receiver_accepted_${s}_total[${ri}]))`, legend: `accepted ${s}` })),
  refused: () => signals.map((s) => ({ expr: `sum(rate(otelcol_receiver_refused_${s}_total[${ri}]))`, legend: `refused ${s}` })),
  /** Lost on the way out: failed sends plus what never fit the queue. */
  dropped: () =>
    signals.map((s) => ({
      expr: `sum(rate(otelcol_exporter_send_failed_${s}_total[${ri}])) + sum(rate(otelcol_exporter_enqueue_failed_${s}_total[${ri}]))`,
      legend: `dropped ${s}`,
    })),
  queueFill: () => `max by (exporter) (otelcol_exporter_queue_size / otelcol_exporter_queue_capacity)`,
};

export const k6 = {
  virtualUsers: () => `sum(k6_vus)`,
  requestRate: () => `sum by (scenario) (rate(k6_http_reqs_total[${ri}]))`,
  failedChecks: () => `1 - avg(k6_checks_rate)`,
  failedRequests: () => `avg(k6_http_req_failed_rate)`,
  p99: () => `max by (scenario) (k6_http_req_duration_p99)`,
  /**
   * The retry-storm scenario's amplification: HTTP attempts per logical request, per client strategy
   * (its custom counters `retry_attempts` and `logical_requests`, tagged `client_strategy`).
   */
  retryAmplification: () =>
    `sum by (client_strategy) (rate(k6_retry_attempts_total[${ri}])) / sum by (client_strategy) (rate(k6_logical_requests_total[${ri}]))`,
};

/** Tempo metrics-generator series (service graph and span metrics). */
export const serviceGraph = {
  requestRate: () => `sum by (client, server) (rate(traces_service_graph_request_total[${ri}]))`,
  failedRatio: () =>
    `sum by (client, server) (rate(traces_service_graph_request_failed_total[${ri}])) / sum by (client, server) (rate(traces_service_graph_request_total[${ri}]))`,
  serverP95: () =>
    `histogram_quantile(0.95, sum by (le, client, server) (rate(traces_service_graph_request_server_seconds_bucket[${ri}])))`,
  spanP95: (service: string) =>
    `topk(15, histogram_quantile(0.95, sum by (le, span_name) (rate(traces_spanmetrics_latency_bucket{service="${service}"}[${ri}]))))`,
  callsByStatus: (service: string) =>
    `sum by (span_kind, status_code) (rate(traces_spanmetrics_calls_total{service="${service}"}[${ri}]))`,
};
