import { hostPort, type Endpoint } from '../endpoint';

export const pyroscopePorts = { http: 4040, grpc: 9095 } as const;

/**
 * Everything Pyroscope writes locally lives under this directory: the image creates it owned by its user
 * (10001) and runs from `/`, so the relative defaults (`./data/...`: the v2 metastore's raft log and state)
 * land in it.
 */
export const pyroscopeDataDir = '/data';

/**
 * The subset of the Pyroscope 2.2 (single binary, `-target=all`) config schema this platform writes. Every
 * key is in the v2.2.1 reference (docs/sources/configure-server/reference-configuration-parameters/index.md
 * at tag v2.2.1); a test checks that.
 */
export interface PyroscopeConfig {
  server: { http_listen_port: number; grpc_listen_port: number; log_level: string };
  storage: {
    backend: 's3';
    s3: {
      bucket_name: string;
      endpoint: string;
      access_key_id: string;
      secret_access_key: string;
      insecure: boolean;
      bucket_lookup_type: 'path-style' | 'virtual-hosted-style' | 'auto';
    };
  };
  self_profiling: { disable_push: boolean };
  analytics: { reporting_enabled: boolean };
}

export interface PyroscopeConfigArgs {
  readonly s3: Endpoint;
  readonly bucket: string;
  /** Env var names Pyroscope expands (`-config.expand-env=true`), so the file itself holds no secret. */
  readonly accessKeyEnv: string;
  readonly secretKeyEnv: string;
}

/**
 * Profiles stored on MinIO (the v2 write path puts its segments and blocks in the bucket; only the
 * metastore's raft state is local), path-style over plain HTTP. Pyroscope does not profile itself into its
 * own store (the single binary does by default), and reports no usage statistics: the lab runs offline.
 */
export function pyroscopeConfig(args: PyroscopeConfigArgs): PyroscopeConfig {
  return {
    server: { http_listen_port: pyroscopePorts.http, grpc_listen_port: pyroscopePorts.grpc, log_level: 'info' },
    storage: {
      backend: 's3',
      s3: {
        bucket_name: args.bucket,
        endpoint: hostPort(args.s3),
        access_key_id: `\${${args.accessKeyEnv}}`,
        secret_access_key: `\${${args.secretKeyEnv}}`,
        insecure: true,
        // `force_path_style` is deprecated in 2.2 in favour of this.
        bucket_lookup_type: 'path-style',
      },
    },
    self_profiling: { disable_push: true },
    analytics: { reporting_enabled: false },
  };
}
