/**
 * Every Prometheus series name something in the stack emits, by emitter. The query tests check each
 * metric a dashboard or rule uses against this set.
 */
import { otelCollectorMetrics } from './known/otel-collector';
import { k6Metrics } from './known/k6';
import { postgresExporterMetrics } from './known/postgres-exporter';
import { redisExporterMetrics } from './known/redis-exporter';
import { tempoMetricsGeneratorMetrics } from './known/tempo-metrics-generator';
import { traefikCounters, traefikGauges, traefikHistograms } from './known/traefik';
import { prometheusSeriesNames } from './otlp-to-prometheus';
import { serviceSeriesNames } from './service-metrics';

const histogramSeries = (base: string) => [`${base}_bucket`, `${base}_sum`, `${base}_count`];

export const knownMetricsByEmitter: Readonly<Record<string, readonly string[]>> = {
  service: serviceSeriesNames,
  traefik: [...traefikCounters, ...traefikGauges, ...traefikHistograms.flatMap(histogramSeries)],
  'otel-collector': otelCollectorMetrics.flatMap(prometheusSeriesNames),
  'postgres-exporter': postgresExporterMetrics,
  'redis-exporter': redisExporterMetrics,
  'tempo-metrics-generator': tempoMetricsGeneratorMetrics,
  k6: k6Metrics,
  /** Prometheus adds `up` for every scrape target. */
  prometheus: ['up'],
};

export const knownMetricNames: ReadonlySet<string> = new Set(Object.values(knownMetricsByEmitter).flat());
