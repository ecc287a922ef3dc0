import * as pulumi from '@pulumi/pulumi';
import { ConfigFile } from '../config-file';
import { lokiConfig, lokiDataDir, lokiPorts } from '../configs/loki';
import { platformContainer, platformVolume } from '../container';
import { endpoint, type Endpoint } from '../endpoint';
import type { PlatformImages } from '../images';
import type { Naming } from '../naming';
import type { PlatformNetworks } from '../networks';
import type { ScrapeTarget } from './exporters';
import type { S3Store } from './minio';

export interface LokiAddress {
  readonly http: Endpoint;
  readonly metrics: ScrapeTarget;
}

export function lokiAddress(naming: Naming): LokiAddress {
  const host = naming.of('loki');
  return { http: endpoint(host, lokiPorts.http), metrics: { job: 'loki', endpoint: endpoint(host, lokiPorts.http) } };
}

/** Its container's memory limit, MiB: ingester chunks of a few streams, and query buffers. */
export const lokiMemoryMb = 768;
/**
 * What it holds at rest, MiB: idle ingester and caches with the lab's few streams. The Kubernetes scheduler reserves this much (an estimate, not
 * measured here); the limit above still caps it.
 */
export const lokiMemoryRequestMb = 192;

export class Loki extends pulumi.ComponentResource {
  readonly address: LokiAddress;
  readonly config: ConfigFile;

  constructor(
    name: string,
    args: { naming: Naming; networks: PlatformNetworks; images: PlatformImages; store: S3Store },
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super('lab:platform:Loki', name, {}, opts);
    this.address = lokiAddress(args.naming);
    this.config = new ConfigFile(
      'loki-config',
      {
        path: '/etc/loki/config.yaml',
        format: 'yaml',
        document: lokiConfig({
          s3: args.store.endpoint,
          bucket: args.store.bucket('loki'),
          accessKeyEnv: 'S3_ACCESS_KEY',
          secretKeyEnv: 'S3_SECRET_KEY',
        }),
      },
      { parent: this },
    );
    const volume = platformVolume(args.naming, 'loki', { parent: this });
    platformContainer(
      {
        naming: args.naming,
        part: 'loki',
        image: args.images.pull('loki'),
        memoryMb: lokiMemoryMb,
        memoryRequestMb: lokiMemoryRequestMb,
        networks: args.networks.pick('telemetry'),
        command: [`-config.file=${this.config.path}`, '-config.expand-env=true'],
        listens: [lokiPorts.http, lokiPorts.grpc],
        envs: { S3_ACCESS_KEY: args.store.accessKey, S3_SECRET_KEY: args.store.secretKey },
        configFiles: [this.config],
        // Runs as the image's user (10001): the image creates /loki owned by 10001, and Docker gives an
        // empty named volume mounted there that owner on first use.
        volumes: [{ volumeName: volume.name, containerPath: lokiDataDir }],
        // On SIGTERM the ingester leaves its ring and closes its WAL; the index shipper uploads to MinIO.
        stopTimeoutSeconds: 30,
        // The distroless image has no shell or curl, but Loki 3.7's binary has a `-health` command that
        // GETs /ready and exits 0 or 1.
        healthcheck: {
          tests: ['CMD', '/usr/bin/loki', '-health', `-health.url=http://localhost:${lokiPorts.http}/ready`],
          httpGet: { port: lokiPorts.http, path: '/ready' },
          intervalSeconds: 5,
          timeoutSeconds: 5,
          retries: 24,
          // /ready answers 503 until the ingester has joined its ring and waited its join period.
          startPeriodSeconds: 120,
          // Loki has no liveness endpoint of its own; its build info is served by the HTTP server from the
          // start, ring or WAL replay or not.
          alive: { httpGet: { port: lokiPorts.http, path: '/loki/api/v1/status/buildinfo' } },
        },
        labels: { 'lab.requires.buckets': args.store.bucketsReady },
      },
      { parent: this },
    );
    this.registerOutputs({});
  }
}
