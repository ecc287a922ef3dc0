import * as pulumi from '@pulumi/pulumi';
import { ConfigFile } from '../config-file';
import { tempoConfig, tempoDataDir, tempoPorts } from '../configs/tempo';
import { platformContainer, platformVolume, readinessGate } from '../container';
import { endpoint, httpUrl, type Endpoint } from '../endpoint';
import { probeImage, type PlatformImages } from '../images';
import type { Naming } from '../naming';
import type { PlatformNetworks } from '../networks';
import type { ScrapeTarget } from './exporters';
import type { S3Store } from './minio';

export interface TempoAddress {
  readonly http: Endpoint;
  readonly otlpGrpc: Endpoint;
  readonly otlpHttp: Endpoint;
  readonly metrics: ScrapeTarget;
}

export function tempoAddress(naming: Naming): TempoAddress {
  const host = naming.of('tempo');
  return {
    http: endpoint(host, tempoPorts.http),
    otlpGrpc: endpoint(host, tempoPorts.otlpGrpc),
    otlpHttp: endpoint(host, tempoPorts.otlpHttp),
    metrics: { job: 'tempo', endpoint: endpoint(host, tempoPorts.http) },
  };
}

/** Answers 503 until the ingester has joined its ring. */
const tempoReadyPath = '/ready';

/** Its container's memory limit, MiB: live traces, the head block and the metrics generator's series. */
export const tempoMemoryMb = 768;
/**
 * What it holds at rest, MiB: idle ingester and metrics generator with the lab's few traces. The Kubernetes scheduler reserves this much (an estimate, not
 * measured here); the limit above still caps it.
 */
export const tempoMemoryRequestMb = 192;

export class Tempo extends pulumi.ComponentResource {
  readonly address: TempoAddress;
  readonly config: ConfigFile;
  /** Resolves once Tempo's /ready answers 200; dependents put it in a label. */
  readonly ready: pulumi.Output<string>;

  constructor(
    name: string,
    args: { naming: Naming; networks: PlatformNetworks; images: PlatformImages; store: S3Store; prometheusRemoteWriteUrl: string },
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super('lab:platform:Tempo', name, {}, opts);
    this.address = tempoAddress(args.naming);
    this.config = new ConfigFile(
      'tempo-config',
      {
        path: '/etc/tempo/tempo.yaml',
        format: 'yaml',
        document: tempoConfig({
          s3: args.store.endpoint,
          bucket: args.store.bucket('tempo'),
          prometheusRemoteWriteUrl: args.prometheusRemoteWriteUrl,
          accessKeyEnv: 'S3_ACCESS_KEY',
          secretKeyEnv: 'S3_SECRET_KEY',
        }),
      },
      { parent: this },
    );
    const volume = platformVolume(args.naming, 'tempo', { parent: this });
    const container = platformContainer(
      {
        naming: args.naming,
        part: 'tempo',
        image: args.images.pull('tempo'),
        memoryMb: tempoMemoryMb,
        memoryRequestMb: tempoMemoryRequestMb,
        networks: args.networks.pick('telemetry'),
        command: [`-config.file=${this.config.path}`, '-config.expand-env=true'],
        listens: [tempoPorts.http, tempoPorts.grpc, tempoPorts.otlpGrpc, tempoPorts.otlpHttp],
        readiness: { port: tempoPorts.http, path: tempoReadyPath, timeoutSeconds: 3, withinSeconds: 180 },
        envs: { S3_ACCESS_KEY: args.store.accessKey, S3_SECRET_KEY: args.store.secretKey },
        configFiles: [this.config],
        // Runs as the image's user (10001). The image creates /var/tempo owned by 10001, and Docker gives an
        // empty named volume mounted there that directory's owner and mode on first use, so Tempo can
        // write its WAL without running as root (the chown init container of upstream's compose example
        // is for a host bind mount, which this program never uses).
        volumes: [{ volumeName: volume.name, containerPath: tempoDataDir }],
        // On SIGTERM the ingester cuts its live traces to the WAL and the generator flushes its last series.
        stopTimeoutSeconds: 30,
        labels: { 'lab.requires.buckets': args.store.bucketsReady },
      },
      { parent: this },
    );
    // No Docker health check can run in it: the image is distroless (no shell, no HTTP client) and the
    // 2.10 binary has no health sub-command. A probe asks GET /ready on the HTTP port instead; it answers
    // 503 until the ingester has joined its ring.
    this.ready = readinessGate(
      {
        naming: args.naming,
        part: 'tempo',
        target: container,
        url: httpUrl(this.address.http, tempoReadyPath),
        image: args.images.pull(probeImage),
        networks: args.networks.pick('telemetry'),
        timeoutSeconds: 180,
      },
      { parent: this },
    );
    this.registerOutputs({ ready: this.ready });
  }
}
