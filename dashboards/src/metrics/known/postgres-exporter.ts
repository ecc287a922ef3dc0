/**
 * prometheus-community/postgres_exporter metrics the dashboards use (default collectors).
 * Sources: collector/pg_stat_database.go (pg_stat_database_*), collector/pg_stat_activity.go
 * (pg_stat_activity_count{state}), collector/pg_setting.go (pg_settings_<name>), and the exporter's
 * `pg_up`. Counters from pg_stat_database keep the column name without `_total`.
 */
export const postgresExporterMetrics = [
  'pg_up',
  'pg_stat_database_numbackends',
  'pg_stat_database_xact_commit',
  'pg_stat_database_xact_rollback',
  'pg_stat_database_blks_read',
  'pg_stat_database_blks_hit',
  'pg_stat_database_tup_returned',
  'pg_stat_database_tup_fetched',
  'pg_stat_database_tup_inserted',
  'pg_stat_database_tup_updated',
  'pg_stat_database_tup_deleted',
  'pg_stat_database_deadlocks',
  'pg_stat_database_temp_bytes',
  'pg_stat_activity_count',
  'pg_stat_activity_max_tx_duration',
  'pg_settings_max_connections',
] as const;
