/**
 * Every Prometheus series name something in the stack emits, by source, with whether that source can
 * attach exemplars. The query tests check each metric a dashboard or rule uses against these names, and
 * each query that asks for exemplars against the sources that can produce them.
 */
import { collectorPrometheusReaderOptions, collectorServedSeriesNames, otelCollectorMetrics } from './known/otel-collector';
import { k6Metrics } from './known/k6';
import { postgresExporterMetrics } from './known/postgres-exporter';
import { redisExporterMetrics } from './known/redis-exporter';
import {
  tempoDefaultExemplarTraceIdLabel,
  tempoExemplarSeries,
  tempoMetricsGeneratorMetrics,
} from './known/tempo-metrics-generator';
import { faultControllerSeries } from './known/fault-controller';
import { toxiproxySeries } from './known/toxiproxy';
import { traefikCounters, traefikGauges, traefikHistograms } from './known/traefik';
import { serviceSeriesNames } from './service-metrics';

const histogramSeries = (base: string) => [`${base}_bucket`, `${base}_sum`, `${base}_count`];

/** Whether a source writes exemplars (trace ids) next to its samples, and on which series. */
export type ExemplarFact =
  | { readonly emitsExemplars: false; readonly why: string }
  | {
      readonly emitsExemplars: true;
      /** The only series that carry them. */
      readonly onSeries: readonly string[];
      /** Exemplar label holding the trace id, unless the emitter's config renames it. */
      readonly defaultTraceIdLabel: string;
      readonly why: string;
    };

export interface MetricSource {
  readonly series: readonly string[];
  readonly exemplars: ExemplarFact;
}

const none = (why: string): ExemplarFact => ({ emitsExemplars: false, why });

export const metricSources = {
  service: {
    series: serviceSeriesNames,
    exemplars: none(
      'OpenTelemetry JS @opentelemetry/sdk-metrics 3.x has no exemplar support (no exemplar reservoir or filter), so the OTLP histograms arrive without them.',
    ),
  },
  traefik: {
    series: [...traefikCounters, ...traefikGauges, ...traefikHistograms.flatMap(histogramSeries)],
    exemplars: none('The Traefik Prometheus exporter exposes plain text-format metrics without exemplars.'),
  },
  'otel-collector': {
    series: otelCollectorMetrics.flatMap((metric) => collectorServedSeriesNames(metric, collectorPrometheusReaderOptions)),
    exemplars: none('Pipeline counters and gauges; counters are not observed within a sampled trace.'),
  },
  'postgres-exporter': { series: postgresExporterMetrics, exemplars: none('Gauges and counters read from pg_stat_*.') },
  'redis-exporter': { series: redisExporterMetrics, exemplars: none('Gauges and counters read from INFO.') },
  'tempo-metrics-generator': {
    series: tempoMetricsGeneratorMetrics,
    exemplars: {
      emitsExemplars: true,
      onSeries: tempoExemplarSeries,
      defaultTraceIdLabel: tempoDefaultExemplarTraceIdLabel,
      why: 'Span metrics and service graph latency histograms are observed with the span\'s trace id (remote write with send_exemplars: true).',
    },
  },
  k6: { series: k6Metrics, exemplars: none('k6 remote-write output sends trend stats as gauges, without exemplars.') },
  toxiproxy: { series: toxiproxySeries, exemplars: none('Plain counters of a Prometheus client_golang registry.') },
  'fault-controller': { series: faultControllerSeries, exemplars: none('Gauges and counters of the declared faults, served as Prometheus text.') },
  /** Prometheus adds `up` for every scrape target. */
  prometheus: { series: ['up'], exemplars: none('Synthetic scrape series.') },
} as const satisfies Readonly<Record<string, MetricSource>>;

export type MetricSourceName = keyof typeof metricSources;

const sourceEntries = Object.entries(metricSources) as Array<[MetricSourceName, MetricSource]>;

export const knownMetricsByEmitter: Readonly<Record<MetricSourceName, readonly string[]>> = Object.fromEntries(
  sourceEntries.map(([name, source]) => [name, source.series]),
) as Record<MetricSourceName, readonly string[]>;

export const knownMetricNames: ReadonlySet<string> = new Set(sourceEntries.flatMap(([, source]) => source.series));

/** The source that emits a series, if any. */
export function sourceOf(series: string): MetricSourceName | undefined {
  return sourceEntries.find(([, source]) => source.series.includes(series))?.[0];
}

/** Series on which some source writes exemplars: the only ones a panel may ask exemplars for. */
export const exemplarSeriesNames: ReadonlySet<string> = new Set(
  sourceEntries.flatMap(([, source]) => (source.exemplars.emitsExemplars ? source.exemplars.onSeries : [])),
);
