import { bindAll, hostPort, httpUrl, type Endpoint } from '../endpoint';
import { traceSampleRatioAttribute } from './sampling';

export const tempoPorts = { http: 3200, grpc: 9095, otlpGrpc: 4317, otlpHttp: 4318 } as const;

/**
 * The subset of the Tempo 2.10 (monolithic) config schema this platform writes. Every key is in the
 * 2.10.8 reference (docs/sources/tempo/configuration/manifest.md at tag v2.10.8); a test checks that.
 */
export interface TempoConfig {
  stream_over_http_enabled: boolean;
  server: { http_listen_port: number; grpc_listen_port: number; log_level: string };
  distributor: { receivers: { otlp: { protocols: { grpc: { endpoint: string }; http: { endpoint: string } } } } };
  ingester: { max_block_duration: string };
  compactor: { compaction: { block_retention: string } };
  metrics_generator: {
    registry: { external_labels: Record<string, string> };
    storage: { path: string; remote_write: { url: string; send_exemplars: boolean }[] };
    traces_storage: { path: string };
    processor: {
      service_graphs: { database_name_attributes: string[]; span_multiplier_key: string };
      span_metrics: { span_multiplier_key: string };
    };
  };
  storage: {
    trace: {
      backend: 's3';
      s3: { bucket: string; endpoint: string; access_key: string; secret_key: string; insecure: boolean; forcepathstyle: boolean };
      wal: { path: string };
    };
  };
  overrides: {
    defaults: {
      metrics_generator: { processors: MetricsGeneratorProcessor[]; generate_native_histograms: 'classic' | 'native' | 'both' };
    };
  };
}

/** Processor names as Tempo 2.10 spells them (modules/generator/processor/processor_names.go). */
export type MetricsGeneratorProcessor = 'service-graphs' | 'span-metrics' | 'local-blocks';

/** Everything Tempo writes lives under this directory: the image creates it owned by its user (10001). */
export const tempoDataDir = '/var/tempo';

export interface TempoConfigArgs {
  readonly s3: Endpoint;
  readonly bucket: string;
  /** Prometheus's remote-write receiver, where the metrics generator writes span metrics and the service graph. */
  readonly prometheusRemoteWriteUrl: string;
  /** Env var names Tempo expands (`-config.expand-env=true`), so the file itself holds no secret. */
  readonly accessKeyEnv: string;
  readonly secretKeyEnv: string;
}

/**
 * Receivers bound on every interface (since 2.7 they default to localhost), traces stored on MinIO, and
 * the metrics generator (service graph, span metrics, local blocks for TraceQL metrics) remote-writing to
 * Prometheus with exemplars.
 */
export function tempoConfig(args: TempoConfigArgs): TempoConfig {
  return {
    stream_over_http_enabled: true,
    server: { http_listen_port: tempoPorts.http, grpc_listen_port: tempoPorts.grpc, log_level: 'info' },
    distributor: {
      receivers: {
        otlp: {
          protocols: { grpc: { endpoint: bindAll(tempoPorts.otlpGrpc) }, http: { endpoint: bindAll(tempoPorts.otlpHttp) } },
        },
      },
    },
    ingester: { max_block_duration: '5m' },
    compactor: { compaction: { block_retention: '72h' } },
    metrics_generator: {
      registry: { external_labels: { source: 'tempo' } },
      storage: {
        path: `${tempoDataDir}/generator/wal`,
        remote_write: [{ url: args.prometheusRemoteWriteUrl, send_exemplars: true }],
      },
      traces_storage: { path: `${tempoDataDir}/generator/traces` },
      // A CLIENT span becomes a service-graph edge to a database node only when it carries one of these.
      // The 2.10 default knows `db.namespace`, `db.name`, `db.system`; current semantic conventions (the
      // Redis instrumentation under OTEL_SEMCONV_STABILITY_OPT_IN=database) only set `db.system.name`.
      // Under head sampling each span stands for 1/ratio requests: the Collector stamps the ratio.
      processor: {
        service_graphs: {
          database_name_attributes: ['db.namespace', 'db.name', 'db.system', 'db.system.name'],
          span_multiplier_key: traceSampleRatioAttribute,
        },
        span_metrics: { span_multiplier_key: traceSampleRatioAttribute },
      },
    },
    storage: {
      trace: {
        backend: 's3',
        s3: {
          bucket: args.bucket,
          endpoint: hostPort(args.s3),
          access_key: `\${${args.accessKeyEnv}}`,
          secret_key: `\${${args.secretKeyEnv}}`,
          insecure: true,
          forcepathstyle: true,
        },
        // Blocks go to S3; only the write-ahead log is local.
        wal: { path: `${tempoDataDir}/wal` },
      },
    },
    // The 2.10 shape (`overrides.defaults...`); the legacy flat `metrics_generator_processors` is deprecated.
    // Classic histograms pinned: the dashboards query `traces_spanmetrics_latency_bucket` and
    // `traces_service_graph_request_server_seconds_bucket`, which native-only output would not produce.
    overrides: {
      defaults: {
        metrics_generator: {
          processors: ['service-graphs', 'span-metrics', 'local-blocks'],
          generate_native_histograms: 'classic',
        },
      },
    },
  };
}
