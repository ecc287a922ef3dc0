/**
 * The config keys each pinned backend accepts, for the parts of its schema this program writes, copied by
 * hand from the reference of exactly that version (no image can run here, so this is the check a typo or
 * a key from another version line would fail). Paths are dotted; `[]` is a list item, `*` any map key.
 * A collector component id `type/name` is reduced to its type.
 *
 * Bumping an image to another version line means re-reading its reference and updating this file: the
 * test pins the line each list was read from.
 */

/** grafana/tempo 2.10.x: docs/sources/tempo/configuration/manifest.md and _index.md at tag v2.10.8. */
export const tempo210 = {
  imageLine: /^grafana\/tempo:2\.10\.\d+$/,
  keys: [
    'stream_over_http_enabled',
    'server.http_listen_port',
    'server.grpc_listen_port',
    'server.log_level',
    // The receivers block is handed to the OpenTelemetry otlp receiver (its `endpoint` per protocol).
    'distributor.receivers.otlp.protocols.grpc.endpoint',
    'distributor.receivers.otlp.protocols.http.endpoint',
    'ingester.max_block_duration',
    'compactor.compaction.block_retention',
    'metrics_generator.registry.external_labels.*',
    'metrics_generator.storage.path',
    // Each item is a Prometheus remote_write config.
    'metrics_generator.storage.remote_write[].url',
    'metrics_generator.storage.remote_write[].send_exemplars',
    'metrics_generator.traces_storage.path',
    'metrics_generator.processor.service_graphs.database_name_attributes[]',
    'metrics_generator.processor.service_graphs.span_multiplier_key',
    'metrics_generator.processor.span_metrics.span_multiplier_key',
    'storage.trace.backend',
    'storage.trace.s3.bucket',
    'storage.trace.s3.endpoint',
    'storage.trace.s3.access_key',
    'storage.trace.s3.secret_key',
    'storage.trace.s3.insecure',
    'storage.trace.s3.forcepathstyle',
    'storage.trace.wal.path',
    'overrides.defaults.metrics_generator.processors[]',
    'overrides.defaults.metrics_generator.generate_native_histograms',
  ],
} as const;

/**
 * grafana/pyroscope 2.2.x: docs/sources/configure-server/reference-configuration-parameters/index.md at tag
 * v2.2.1 (the `server`, `storage` with `s3_storage_backend`, `self_profiling` and `analytics` blocks).
 */
export const pyroscope22 = {
  imageLine: /^grafana\/pyroscope:2\.2\.\d+$/,
  keys: [
    'server.http_listen_port',
    'server.grpc_listen_port',
    'server.log_level',
    'storage.backend',
    'storage.s3.bucket_name',
    'storage.s3.endpoint',
    'storage.s3.access_key_id',
    'storage.s3.secret_access_key',
    'storage.s3.insecure',
    'storage.s3.bucket_lookup_type',
    'self_profiling.disable_push',
    'analytics.reporting_enabled',
  ],
  /** `bucket_lookup_type` takes one of these (`force_path_style` is deprecated for it). */
  bucketLookupTypes: ['path-style', 'virtual-hosted-style', 'auto'],
} as const;

/**
 * Grafana's Tempo datasource `jsonData.tracesToProfiles`: @grafana/o11y-ds-frontend TraceToProfilesOptions
 * (src/TraceToProfiles/TraceToProfilesSettings.tsx), read by grafana-tempo-datasource src/resultTransformer.ts
 * at 13.1.5 (`datasourceUid`, `customQuery`, `query`, `profileTypeId`; the link selects samples by the span's
 * `pyroscope.profile.id`).
 */
export const grafanaTracesToProfiles = {
  keys: ['datasourceUid', 'tags', 'query', 'profileTypeId', 'customQuery'],
  spanAttribute: 'pyroscope.profile.id',
} as const;

/** grafana/loki 3.7.x: docs/sources/shared/configuration.md at tag v3.7.6 (identical on release-3.7.x). */
export const loki37 = {
  imageLine: /^grafana\/loki:3\.7\.\d+$/,
  keys: [
    'auth_enabled',
    'server.http_listen_port',
    'server.grpc_listen_port',
    'server.log_level',
    'common.path_prefix',
    'common.instance_addr',
    'common.replication_factor',
    'common.ring.kvstore.store',
    'common.storage.s3.endpoint',
    'common.storage.s3.bucketnames',
    'common.storage.s3.access_key_id',
    'common.storage.s3.secret_access_key',
    'common.storage.s3.insecure',
    'common.storage.s3.s3forcepathstyle',
    'schema_config.configs[].from',
    'schema_config.configs[].store',
    'schema_config.configs[].object_store',
    'schema_config.configs[].schema',
    'schema_config.configs[].index.prefix',
    'schema_config.configs[].index.period',
    'limits_config.allow_structured_metadata',
    'limits_config.volume_enabled',
    'limits_config.retention_period',
    'compactor.working_directory',
    'compactor.retention_enabled',
    'compactor.delete_request_store',
    'pattern_ingester.enabled',
  ],
} as const;

/**
 * otel/opentelemetry-collector-contrib 0.161.x. Component types from each component's metadata.yaml
 * (`otlp_grpc`/`otlp_http` since v0.144.0, the old `otlp`/`otlphttp` only deprecated aliases); exporter
 * queue keys from exporter/exporterhelper/README.md and internal/queuebatch/config.go (`sending_queue` is a
 * configoptional with an `enabled` field, `batch: {}` turns batching on with defaults); telemetry reader
 * shape from service/telemetry/otelconftelemetry. Read in open-telemetry/opentelemetry-collector at
 * v0.159.0, the newest tag this machine can read; the 0.160 to 0.162 changelogs rename none of these.
 * The transform processor (contrib) from processor/transformprocessor/README.md as of 0.120 and later:
 * top-level `error_mode` (ignore | silent | propagate) and `trace_statements` as a list of OTTL strings
 * whose context is inferred from the path prefix (`resource.`).
 */
export const collector161 = {
  imageLine: /^otel\/opentelemetry-collector-contrib:0\.161\.\d+$/,
  componentTypes: {
    receivers: ['otlp'],
    processors: ['memory_limiter', 'transform'],
    exporters: ['otlp_grpc', 'otlp_http'],
    extensions: ['health_check'],
  },
  keys: [
    'receivers.otlp.protocols.grpc.endpoint',
    'receivers.otlp.protocols.http.endpoint',
    'processors.memory_limiter.check_interval',
    // internal/memorylimiter/config.go at v0.159.0.
    'processors.memory_limiter.limit_mib',
    'processors.memory_limiter.spike_limit_mib',
    'processors.transform.error_mode',
    'processors.transform.trace_statements[]',
    'exporters.otlp_grpc.endpoint',
    'exporters.otlp_grpc.tls.insecure',
    'exporters.otlp_grpc.sending_queue.enabled',
    'exporters.otlp_grpc.sending_queue.batch',
    'exporters.otlp_http.endpoint',
    'exporters.otlp_http.sending_queue.enabled',
    'exporters.otlp_http.sending_queue.batch',
    'extensions.health_check.endpoint',
    'service.extensions[]',
    'service.pipelines.*.receivers[]',
    'service.pipelines.*.processors[]',
    'service.pipelines.*.exporters[]',
    'service.telemetry.logs.level',
    'service.telemetry.metrics.level',
    'service.telemetry.metrics.readers[].pull.exporter.prometheus.host',
    'service.telemetry.metrics.readers[].pull.exporter.prometheus.port',
    // contrib otelconf v0.25.0 (v0.3.0 schema) `Prometheus`, which the Collector's telemetry config embeds.
    'service.telemetry.metrics.readers[].pull.exporter.prometheus.without_units',
    'service.telemetry.metrics.readers[].pull.exporter.prometheus.without_type_suffix',
    'service.telemetry.metrics.readers[].pull.exporter.prometheus.without_scope_info',
  ],
} as const;

/** Every leaf path of a document (an empty object or list is a leaf too). */
export function leafPaths(value: unknown, prefix = '', normalizeKey: (key: string, depth: number) => string = (k) => k): string[] {
  if (Array.isArray(value)) {
    if (value.length === 0) return [`${prefix}[]`];
    return value.flatMap((item) => leafPaths(item, `${prefix}[]`, normalizeKey));
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value);
    if (entries.length === 0) return [prefix];
    const depth = prefix === '' ? 0 : prefix.split('.').length;
    return entries.flatMap(([key, item]) => leafPaths(item, prefix === '' ? normalizeKey(key, depth) : `${prefix}.${normalizeKey(key, depth)}`, normalizeKey));
  }
  return [prefix];
}

/** Whether a concrete path matches an allowed pattern, where `*` stands for one map key. */
export function matchesKey(path: string, allowed: readonly string[]): boolean {
  return allowed.some((pattern) => {
    const want = pattern.split('.');
    const got = path.split('.');
    return want.length === got.length && want.every((part, i) => part === got[i] || (part === '*' && got[i] !== ''));
  });
}

/**
 * Grafana's Tempo datasource `jsonData`: `TempoJsonData` (src/types.ts) and what datasource.ts reads, in
 * grafana/grafana-tempo-datasource at v13.1.5 (the plugin Grafana bundles since 12.3; the newest tag this
 * machine can read). The trace-to-logs and trace-to-metrics links are the `tracesToLogsV2` and
 * `tracesToMetrics` keys of @grafana/o11y-ds-frontend's sections, which its ConfigEditor renders.
 */
export const grafanaTempoJsonData = {
  keys: [
    'tracesToLogsV2',
    'tracesToMetrics',
    'tracesToProfiles',
    'serviceMap',
    'search',
    'nodeGraph',
    'spanBar',
    'tagLimit',
    'traceQuery',
    'streamingEnabled',
    'timeRangeForTags',
  ],
  /** datasource.ts reads `streamingEnabled.search` and `streamingEnabled.metrics`. */
  streaming: ['search', 'metrics'],
} as const;

/**
 * Toxiproxy at tag v2.12.0 (Shopify/toxiproxy): the server's flags (cmd/server/server.go), the fields of a
 * proxy in the `-config` file (proxy.go `Proxy` json tags, read by proxy_collection.go `PopulateJson`), the
 * toxic types registered in toxics/*.go with their attributes' json names (all Go int/int64: an attribute must
 * be an integer, a fraction is a 400) and the streams (stream/direction.go). `/metrics` is routed only when
 * `-proxy-metrics` or `-runtime-metrics` is set (api.go, metrics.go `anyMetricsEnabled`).
 */
export const toxiproxy212 = {
  imageLine: /^ghcr\.io\/shopify\/toxiproxy:2\.12\.\d+$/,
  serverFlags: ['host', 'port', 'config', 'seed', 'version', 'proxy-metrics', 'runtime-metrics'],
  apiPortDefault: 8474,
  proxyFields: ['name', 'listen', 'upstream', 'enabled'],
  toxics: {
    latency: ['latency', 'jitter'],
    bandwidth: ['rate'],
    slow_close: ['delay'],
    timeout: ['timeout'],
    reset_peer: ['timeout'],
    slicer: ['average_size', 'size_variation', 'delay'],
    limit_data: ['bytes'],
  },
  streams: ['upstream', 'downstream'],
} as const;

/**
 * flagd at tag flagd/v0.16.1 (open-feature/flagd): `flagd start` flags and their defaults
 * (flagd/cmd/start.go), the management server's paths (flagd/pkg/service/flag-evaluation/connect_service.go:
 * `/healthz`, `/readyz` 200 once every sync source is ready, `/metrics`), the `file:` sync URI
 * (core/pkg/sync/builder/syncbuilder.go).
 */
export const flagd0161 = {
  imageLine: /^ghcr\.io\/open-feature\/flagd:v0\.16\.\d+$/,
  startFlags: [
    'management-port', 'port', 'sync-port', 'ofrep-port', 'socket-path', 'sync-socket-path', 'server-cert-path',
    'server-key-path', 'uri', 'cors-origin', 'sources', 'log-format', 'metrics-exporter', 'otel-collector-uri',
    'otel-cert-path', 'otel-key-path', 'otel-ca-path', 'otel-reload-interval', 'context-value', 'context-from-header',
    'stream-deadline', 'disable-sync-metadata', 'max-request-body', 'max-request-header', 'keep-alive-min-time',
    'keep-alive-permit-without-stream',
  ],
  portDefaults: { 'management-port': 8014, port: 8013, 'sync-port': 8015, 'ofrep-port': 8016 },
  managementPaths: ['/healthz', '/readyz', '/metrics'],
  uriPrefix: 'file:',
} as const;
