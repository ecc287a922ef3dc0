/**
 * Traefik's Prometheus metrics (the `--metrics.prometheus` exporter, scraped by Prometheus).
 * Source: Traefik docs, docs/content/observability/metrics/overview.md (v3.x), "Global", "EntryPoint",
 * "Router" and "Service" metrics, Prometheus tab. Histograms listed by base name.
 * Traefik has no per-server request counter; `traefik_service_server_up{service,url}` is its only
 * per-replica series, so traffic per replica comes from the service's own `instance` label.
 */
export const traefikCounters = [
  'traefik_config_reloads_total',
  'traefik_entrypoint_requests_total',
  'traefik_entrypoint_requests_tls_total',
  'traefik_entrypoint_requests_bytes_total',
  'traefik_entrypoint_responses_bytes_total',
  'traefik_router_requests_total',
  'traefik_router_requests_tls_total',
  'traefik_router_requests_bytes_total',
  'traefik_router_responses_bytes_total',
  'traefik_service_requests_total',
  'traefik_service_requests_tls_total',
  // Not `traefik_service_retries_total`: registered, but never incremented. Its only writer is the
  // metrics RetryListener (pkg/middlewares/metrics/metrics.go), and nothing creates one: the retry
  // middleware is built with empty listeners (pkg/server/middleware/middlewares.go, "TODO missing
  // metrics / accessLog", at v3.7.9 and on master; the same since v2). Left out so a query of it fails.
  'traefik_service_requests_bytes_total',
  'traefik_service_responses_bytes_total',
] as const;

export const traefikGauges = [
  'traefik_config_last_reload_success',
  'traefik_open_connections',
  'traefik_tls_certs_not_after',
  'traefik_service_server_up',
] as const;

export const traefikHistograms = [
  'traefik_entrypoint_request_duration_seconds',
  'traefik_router_request_duration_seconds',
  'traefik_service_request_duration_seconds',
] as const;
