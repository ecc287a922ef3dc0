import { hostPort, type Endpoint } from '../endpoint';

export const lokiPorts = { http: 3100, grpc: 9095 } as const;

/**
 * The subset of the Loki 3.7 (monolithic) config schema this platform writes. Every key is in the 3.7
 * reference (docs/sources/shared/configuration.md on the release-3.7.x branch); a test checks that.
 */
export interface LokiConfig {
  auth_enabled: boolean;
  server: { http_listen_port: number; grpc_listen_port: number; log_level: string };
  common: {
    path_prefix: string;
    instance_addr: string;
    replication_factor: number;
    ring: { kvstore: { store: 'inmemory' } };
    storage: {
      s3: {
        endpoint: string;
        bucketnames: string;
        access_key_id: string;
        secret_access_key: string;
        insecure: boolean;
        s3forcepathstyle: boolean;
      };
    };
  };
  schema_config: {
    configs: { from: string; store: 'tsdb'; object_store: 's3'; schema: 'v13'; index: { prefix: string; period: string } }[];
  };
  limits_config: { allow_structured_metadata: boolean; volume_enabled: boolean; retention_period: string };
  compactor: { working_directory: string; retention_enabled: boolean; delete_request_store: 's3' };
  pattern_ingester: { enabled: boolean };
}

/** Everything Loki writes lives under this directory: the image creates it owned by its user (10001). */
export const lokiDataDir = '/loki';

export interface LokiConfigArgs {
  readonly s3: Endpoint;
  readonly bucket: string;
  readonly accessKeyEnv: string;
  readonly secretKeyEnv: string;
}

/**
 * Schema v13 on TSDB (structured metadata, which OTLP ingestion needs, refuses to start on anything
 * older), chunks and index on MinIO with path-style addressing, retention by the compactor (which then
 * needs `delete_request_store`). OTLP logs arrive on `/otlp/v1/logs` with no extra config: by default
 * (`distributor.otlp_config.default_resource_attributes_as_index_labels`) `service.name` becomes the
 * `service_name` label, and the record's trace and span ids become `trace_id`/`span_id` structured metadata.
 */
export function lokiConfig(args: LokiConfigArgs): LokiConfig {
  return {
    auth_enabled: false,
    server: { http_listen_port: lokiPorts.http, grpc_listen_port: lokiPorts.grpc, log_level: 'info' },
    common: {
      path_prefix: lokiDataDir,
      // One process, in-memory rings: advertise loopback, as the image's own default config does, rather
      // than whichever interface address Loki would otherwise pick.
      instance_addr: '127.0.0.1',
      replication_factor: 1,
      ring: { kvstore: { store: 'inmemory' } },
      storage: {
        s3: {
          endpoint: hostPort(args.s3),
          bucketnames: args.bucket,
          access_key_id: `\${${args.accessKeyEnv}}`,
          secret_access_key: `\${${args.secretKeyEnv}}`,
          insecure: true,
          s3forcepathstyle: true,
        },
      },
    },
    schema_config: {
      configs: [{ from: '2024-01-01', store: 'tsdb', object_store: 's3', schema: 'v13', index: { prefix: 'index_', period: '24h' } }],
    },
    limits_config: { allow_structured_metadata: true, volume_enabled: true, retention_period: '168h' },
    compactor: { working_directory: `${lokiDataDir}/compactor`, retention_enabled: true, delete_request_store: 's3' },
    pattern_ingester: { enabled: true },
  };
}
