/**
 * oliver006/redis_exporter metrics (default namespace `redis`).
 * Source: exporter/exporter.go (metricMapGauges / metricMapCounters) and the exporter's `redis_up`.
 */
export const redisExporterMetrics = [
  'redis_up',
  'redis_connected_clients',
  'redis_blocked_clients',
  'redis_memory_used_bytes',
  'redis_memory_max_bytes',
  'redis_keyspace_hits_total',
  'redis_keyspace_misses_total',
  'redis_commands_processed_total',
  'redis_evicted_keys_total',
  'redis_expired_keys_total',
  'redis_connections_received_total',
  'redis_rejected_connections_total',
  'redis_db_keys',
] as const;
