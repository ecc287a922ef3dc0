/**
 * Toxiproxy's own Prometheus metrics, served on its API port at `/metrics` only when it runs with
 * `-proxy-metrics` (and `-runtime-metrics` for the Go runtime's). Read in Shopify/toxiproxy at v2.12.0, the
 * tag the infra program pins: collectors/common.go (namespace `toxiproxy`), collectors/proxy.go (subsystem
 * `proxy`, counters `received_bytes_total` and `sent_bytes_total`, labels direction, proxy, listener,
 * upstream), link.go (both are added to once a link's copy ends, i.e. per closed connection), METRICS.md
 * (direction `upstream`: client to server, `downstream`: server to client). Unchanged on master.
 */
export const toxiproxyMetrics = {
  receivedBytes: 'toxiproxy_proxy_received_bytes_total',
  sentBytes: 'toxiproxy_proxy_sent_bytes_total',
  labels: { proxy: 'proxy', direction: 'direction', listener: 'listener', upstream: 'upstream' },
} as const;

export const toxiproxySeries: readonly string[] = [toxiproxyMetrics.receivedBytes, toxiproxyMetrics.sentBytes];
