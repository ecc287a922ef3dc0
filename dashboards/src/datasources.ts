/** The datasource uids every panel and every cross-signal link refers to. */
export interface DatasourceUids {
  prometheus: string;
  loki: string;
  tempo: string;
  pyroscope: string;
  alertmanager: string;
}

/** Default uids the infra program gives the provisioned Grafana datasources. */
export const grafanaDatasourceUids: DatasourceUids = {
  prometheus: 'prometheus',
  loki: 'loki',
  tempo: 'tempo',
  pyroscope: 'pyroscope',
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

/**
 * The profile types Pyroscope makes of the service's pushes, as `name:sample_type:unit:period_type:period_unit`.
 * Pyroscope 2.2.1 names a pprof pushed to `/ingest` `wall` when a sample type is `wall`, `memory` when one is
 * `inuse_*` (pkg/og/convert/pprof/profile.go `metricName`); @datadog/pprof 5.20 writes the wall profile with
 * sample types `sample`, `wall`, `cpu` (with CPU time on) and period `wall/nanoseconds`, the heap profile with
 * `inuse_objects`, `inuse_space` and period `inuse_space/bytes` (out/src/profile-serializer.js).
 */
export const serviceProfileTypes = {
  cpu: 'wall:cpu:nanoseconds:wall:nanoseconds',
  wall: 'wall:wall:nanoseconds:wall:nanoseconds',
  heap: 'memory:inuse_space:bytes:inuse_space:bytes',
} as const;

/** The Pyroscope label that names the replica (the service sets it from `service.instance.id`). */
export const profileReplicaLabel = 'service_instance_id';

/**
 * The span attribute Grafana's Tempo datasource selects a span's profile by ("Related profiles"); the service
 * sets it on each sampled root span to the id its profile samples carry as `span_id`.
 */
export const profileIdAttribute = 'pyroscope.profile.id';
