/** The datasource uids every panel and every cross-signal link refers to. */
export interface DatasourceUids {
  prometheus: string;
  loki: string;
  tempo: string;
  alertmanager: string;
}

/** Default uids the infra program gives the provisioned Grafana datasources. */
export const grafanaDatasourceUids: DatasourceUids = {
  prometheus: 'prometheus',
  loki: 'loki',
  tempo: 'tempo',
  alertmanager: 'alertmanager',
};

/**
 * The exemplar label that carries the trace id, agreed between the two ends of the exemplar link:
 * Grafana's Prometheus datasource `exemplarTraceIdDestinations[].name` and Tempo's metrics generator
 * `overrides.defaults.metrics_generator.trace_id_label_name`. Tempo's own default is `traceID`
 * (modules/generator/registry/histogram.go, v2.9-v3.0), so Tempo must be configured with this name,
 * or the dots show but offer no link to the trace. `trace_id` is the OpenTelemetry convention and the
 * name the Loki derived field already uses.
 */
export const exemplarTraceIdLabel = 'trace_id';
