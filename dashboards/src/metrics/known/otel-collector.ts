/**
 * The OpenTelemetry Collector's own telemetry (collector-contrib 0.14x/0.15x), by the OTel names the
 * collector's mdatagen documentation lists:
 *  - receiver/receiverhelper/documentation.md (otelcol_receiver_accepted_spans ...),
 *  - exporter/exporterhelper/documentation.md (otelcol_exporter_sent_spans ...),
 *  - processor/processorhelper/documentation.md (otelcol_processor_incoming_items ...; the old
 *    otelcol_processor_dropped_* metrics no longer exist).
 * The collector exposes them through an OTel SDK reader (Prometheus pull on :8888 or OTLP push); both
 * paths add `_total` to these monotonic sums and drop the `{spans}`-style units, which is why the
 * translation below is the same one applied to the service.
 */
import type { OtelMetricDefinition } from '../otlp-to-prometheus';

const signals = [
  ['spans', '{spans}'],
  ['metric_points', '{datapoints}'],
  ['log_records', '{records}'],
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
  counter('otelcol_processor_incoming_items', '{items}'),
  counter('otelcol_processor_outgoing_items', '{items}'),
  { name: 'otelcol_exporter_queue_size', unit: '{batches}', kind: 'gauge' },
  { name: 'otelcol_exporter_queue_capacity', unit: '{batches}', kind: 'gauge' },
];
