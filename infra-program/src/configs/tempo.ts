import { bindAll, hostPort, httpUrl, type Endpoint } from '../endpoint';

export const tempoPorts = { http: 3200, grpc: 9095, otlpGrpc: 4317, otlpHttp: 4318 } as const;

/** The subset of the Tempo 2.10 (monolithic) config schema this platform writes. */
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
  };
  storage: {
    trace: {
      backend: 's3';
      s3: { bucket: string; endpoint: string; access_key: string; secret_key: string; insecure: boolean; forcepathstyle: boolean };
      wal: { path: string };
      local: { path: string };
    };
  };
  overrides: { defaults: { metrics_generator: { processors: string[] } } };
}

export interface TempoConfigArgs {
  readonly s3: Endpoint;
  readonly bucket: string;
  readonly prometheusHttp: Endpoint;
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
        path: '/var/tempo/generator/wal',
        remote_write: [{ url: httpUrl(args.prometheusHttp, '/api/v1/write'), send_exemplars: true }],
      },
      traces_storage: { path: '/var/tempo/generator/traces' },
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
        wal: { path: '/var/tempo/wal' },
        local: { path: '/var/tempo/blocks' },
      },
    },
    overrides: { defaults: { metrics_generator: { processors: ['service-graphs', 'span-metrics', 'local-blocks'] } } },
  };
}
