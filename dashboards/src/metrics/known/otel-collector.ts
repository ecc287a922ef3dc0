/**
 * The OpenTelemetry Collector's own telemetry, by the names and units its mdatagen documentation lists
 * (open-telemetry/opentelemetry-collector at v0.159.0, the newest tag read here; the image is 0.161):
 *  - receiver/receiverhelper/documentation.md (otelcol_receiver_accepted_spans, unit {span} ...),
 *  - exporter/exporterhelper/documentation.md (otelcol_exporter_sent_spans, otelcol_exporter_queue_size ...),
 *  - processor/processorhelper/documentation.md (otelcol_processor_incoming_items ...; the old
 *    otelcol_processor_dropped_* metrics no longer exist).
 *
 * Prometheus scrapes them from the Collector's Prometheus pull reader, whose options decide the names:
 *  - the Collector gives every option the reader leaves unset the value `true` (service/telemetry/
 *    otelconftelemetry/internal/migration/v0.3.0.go `applyPrometheusDefaults`, since v0.152.0);
 *  - go.opentelemetry.io/contrib/otelconf v0.25.0 (v0.3.0/metric.go `prometheusReaderOpts`) then picks
 *    the `NoTranslation` strategy when `without_type_suffix` and `without_units` are both true: no
 *    `_total`, no unit suffix. Any other combination picks `NoUTF8EscapingWithSuffixes`, which adds both
 *    (`without_units` alone is not passed on to the exporter);
 *  - the exporter (go.opentelemetry.io/otel/exporters/prometheus v0.67.0) names counters with `_total`
 *    under a suffix strategy, and drops `{span}`-style annotation units.
 * So with the defaults the counters are served as `otelcol_receiver_accepted_spans`, and the
 * `otelcol_receiver_accepted_spans_total` of most dashboards never exists. The lab sets the reader's
 * options explicitly (below; the infra program writes exactly these) so the names follow the same
 * translation as every OTLP metric of the service.
 */
import { prometheusSeriesNames, type OtelMetricDefinition } from '../otlp-to-prometheus';

/** The `service.telemetry.metrics.readers[].pull.exporter.prometheus` options the names here assume. */
export interface CollectorPrometheusReaderOptions {
  readonly without_units?: boolean;
  readonly without_type_suffix?: boolean;
  readonly without_scope_info?: boolean;
}

/** What the Collector writes into its reader, and what its dashboards query by. */
export const collectorPrometheusReaderOptions = {
  without_units: false,
  without_type_suffix: false,
  // No otel_scope_* labels on every series: the scope is the component, already a label.
  without_scope_info: true,
} as const satisfies Required<CollectorPrometheusReaderOptions>;

/** The reader options in effect: the Collector fills each unset one with `true` (v0.152.0 and later). */
export function effectiveReaderOptions(options: CollectorPrometheusReaderOptions): Required<CollectorPrometheusReaderOptions> {
  return {
    without_units: options.without_units ?? true,
    without_type_suffix: options.without_type_suffix ?? true,
    without_scope_info: options.without_scope_info ?? true,
  };
}

/** The series a Collector metric is served as through a Prometheus reader with these options. */
export function collectorServedSeriesNames(metric: OtelMetricDefinition, options: CollectorPrometheusReaderOptions): string[] {
  const effective = effectiveReaderOptions(options);
  if (effective.without_units && effective.without_type_suffix) {
    // NoTranslation: the instrument's own name, histograms still as _bucket/_sum/_count.
    return metric.kind === 'histogram' ? [`${metric.name}_bucket`, `${metric.name}_sum`, `${metric.name}_count`] : [metric.name];
  }
  return prometheusSeriesNames(metric);
}

const signals = [
  ['spans', '{span}'],
  ['metric_points', '{datapoint}'],
  ['log_records', '{record}'],
] as const;

function counter(name: string, unit: string): OtelMetricDefinition {
  return { name, unit, kind: 'counter' };
}

export const otelCollectorMetrics: readonly OtelMetricDefinition[] = [
  ...signals.flatMap(([signal, unit]) => [
    counter(`otelcol_receiver_accepted_${signal}`, unit),
    counter(`otelcol_receiver_refused_${signal}`, unit),
    counter(`otelcol_receiver_failed_${signal}`, unit),
    counter(`otelcol_exporter_sent_${signal}`, unit),
    counter(`otelcol_exporter_send_failed_${signal}`, unit),
    counter(`otelcol_exporter_enqueue_failed_${signal}`, unit),
  ]),
  counter('otelcol_processor_incoming_items', '{item}'),
  counter('otelcol_processor_outgoing_items', '{item}'),
  { name: 'otelcol_exporter_queue_size', unit: '{batch}', kind: 'gauge' },
  { name: 'otelcol_exporter_queue_capacity', unit: '{batch}', kind: 'gauge' },
];
