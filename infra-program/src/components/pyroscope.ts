import * as pulumi from '@pulumi/pulumi';
import { ConfigFile } from '../config-file';
import { pyroscopeConfig, pyroscopeDataDir, pyroscopePorts } from '../configs/pyroscope';
import { platformContainer, platformVolume, readinessGate } from '../container';
import { endpoint, httpUrl, type Endpoint } from '../endpoint';
import { probeImage, type PlatformImages } from '../images';
import type { Naming } from '../naming';
import type { PlatformNetworks } from '../networks';
import type { ScrapeTarget } from './exporters';
import type { S3Store } from './minio';

export interface PyroscopeAddress {
  /** The HTTP API: the service pushes to `/ingest`, Grafana queries it. */
  readonly http: Endpoint;
  readonly metrics: ScrapeTarget;
}

export function pyroscopeAddress(naming: Naming): PyroscopeAddress {
  const host = naming.of('pyroscope');
  return { http: endpoint(host, pyroscopePorts.http), metrics: { job: 'pyroscope', endpoint: endpoint(host, pyroscopePorts.http) } };
}

/** Answers 200 once every module of the single binary is running (pkg/api/api.go at v2.2.1 registers it). */
const pyroscopeReadyPath = '/ready';

/** Its container's memory limit, MiB: the segment writer's open segments, the metastore, and query buffers. */
export const pyroscopeMemoryMb = 512;
/**
 * What it holds at rest, MiB: the idle single binary with a few replicas' profiles. The Kubernetes scheduler
 * reserves this much (an estimate, not measured here); the limit above still caps it.
 */
export const pyroscopeMemoryRequestMb = 128;

/** Grafana Pyroscope, single binary: the service's continuous profiles, stored on MinIO. */
export class Pyroscope extends pulumi.ComponentResource {
  readonly address: PyroscopeAddress;
  readonly config: ConfigFile;
  /** Resolves once Pyroscope's /ready answers 200. */
  readonly ready: pulumi.Output<string>;

  constructor(
    name: string,
    args: { naming: Naming; networks: PlatformNetworks; images: PlatformImages; store: S3Store },
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super('lab:platform:Pyroscope', name, {}, opts);
    this.address = pyroscopeAddress(args.naming);
    this.config = new ConfigFile(
      'pyroscope-config',
      {
        path: '/etc/pyroscope/lab.yaml',
        format: 'yaml',
        document: pyroscopeConfig({
          s3: args.store.endpoint,
          bucket: args.store.bucket('pyroscope'),
          accessKeyEnv: 'S3_ACCESS_KEY',
          secretKeyEnv: 'S3_SECRET_KEY',
        }),
      },
      { parent: this },
    );
    const volume = platformVolume(args.naming, 'pyroscope', { parent: this });
    const container = platformContainer(
      {
        naming: args.naming,
        part: 'pyroscope',
        image: args.images.pull('pyroscope'),
        memoryMb: pyroscopeMemoryMb,
        memoryRequestMb: pyroscopeMemoryRequestMb,
        networks: args.networks.pick('telemetry'),
        command: [`-config.file=${this.config.path}`, '-config.expand-env=true'],
        listens: [pyroscopePorts.http, pyroscopePorts.grpc],
        readiness: { port: pyroscopePorts.http, path: pyroscopeReadyPath, timeoutSeconds: 3, withinSeconds: 180 },
        envs: { S3_ACCESS_KEY: args.store.accessKey, S3_SECRET_KEY: args.store.secretKey },
        configFiles: [this.config],
        // Runs as the image's user (10001), which owns /data in the image; an empty named volume mounted
        // there takes that owner on first use.
        volumes: [{ volumeName: volume.name, containerPath: pyroscopeDataDir }],
        // On SIGTERM the segment writer flushes its open segments to the bucket.
        stopTimeoutSeconds: 30,
        labels: { 'lab.requires.buckets': args.store.bucketsReady },
      },
      { parent: this },
    );
    // The image is distroless (no shell, no HTTP client) and the binary has no health sub-command: a probe
    // asks GET /ready on the HTTP port instead.
    this.ready = readinessGate(
      {
        naming: args.naming,
        part: 'pyroscope',
        target: container,
        url: httpUrl(this.address.http, pyroscopeReadyPath),
        image: args.images.pull(probeImage),
        networks: args.networks.pick('telemetry'),
        timeoutSeconds: 180,
      },
      { parent: this },
    );
    this.registerOutputs({ ready: this.ready });
  }
}
