import * as pulumi from '@pulumi/pulumi';
import { platformContainer, platformVolume, requireSuccess } from '../container';
import { endpoint, httpUrl, type Endpoint } from '../endpoint';
import type { PlatformImages } from '../images';
import type { Naming } from '../naming';
import type { PlatformNetworks } from '../networks';
import { generatedName, generatedPassword } from '../secrets';

export const minioPorts = { api: 9000, console: 9001 } as const;

/** The buckets the platform needs, one per tenant of the object store. */
export const minioBuckets = { loki: 'loki-chunks', tempo: 'tempo-traces', pyroscope: 'pyroscope-profiles' } as const;
export type BucketOwner = keyof typeof minioBuckets;

/** What an S3 client (Loki, Tempo, Pyroscope) needs. Credentials are secret outputs. */
export interface S3Store {
  readonly endpoint: Endpoint;
  readonly accessKey: pulumi.Output<string>;
  readonly secretKey: pulumi.Output<string>;
  readonly bucket: (owner: BucketOwner) => string;
  /**
   * Resolves once the bucket job has succeeded: a consumer puts it in a label, so it is created only
   * after its bucket exists (and not at all when the job failed).
   */
  readonly bucketsReady: pulumi.Output<string>;
}

/** The bucket job's memory limit, MiB: one `mc` run. */
export const minioClientMemoryMb = 64;
/**
 * What it holds at rest, MiB: one `mc` command. The Kubernetes scheduler reserves this much (an estimate, not
 * measured here); the limit above still caps it.
 */
export const minioClientMemoryRequestMb = 32;

/** Its container's memory limit, MiB: Loki's chunks and Tempo's blocks pass through it; it holds none in memory for long. */
export const minioMemoryMb = 384;
/**
 * What it holds at rest, MiB: the server with two small buckets, no transfer in flight. The Kubernetes scheduler reserves this much (an estimate, not
 * measured here); the limit above still caps it.
 */
export const minioMemoryRequestMb = 128;

export class Minio extends pulumi.ComponentResource {
  readonly store: S3Store;
  /** The console, which only Traefik reaches (MinIO publishes no host port). */
  readonly console: Endpoint;
  readonly containerName: pulumi.Output<string>;
  readonly bucketJobName: pulumi.Output<string>;

  constructor(name: string, args: { naming: Naming; networks: PlatformNetworks; images: PlatformImages }, opts?: pulumi.ComponentResourceOptions) {
    super('lab:platform:Minio', name, {}, opts);
    const part = 'minio';
    const rootUser = generatedName('minio-root-user', 'lab', { parent: this });
    const rootPassword = generatedPassword('minio-root-password', 40, { parent: this });
    const volume = platformVolume(args.naming, part, { parent: this });
    const networks = args.networks.pick('telemetry');
    const server = platformContainer(
      {
        naming: args.naming,
        part,
        image: args.images.pull('minio'),
        memoryMb: minioMemoryMb,
        memoryRequestMb: minioMemoryRequestMb,
        networks,
        envs: { MINIO_ROOT_USER: rootUser, MINIO_ROOT_PASSWORD: rootPassword },
        command: ['server', '/data', '--address', `:${minioPorts.api}`, '--console-address', `:${minioPorts.console}`],
        listens: [minioPorts.api, minioPorts.console],
        volumes: [{ volumeName: volume.name, containerPath: '/data' }],
        healthcheck: { tests: ['CMD', 'mc', 'ready', 'local'], intervalSeconds: 5, timeoutSeconds: 5, retries: 12, startPeriodSeconds: 30 },
      },
      { parent: this },
    );
    const api = endpoint(args.naming.of(part), minioPorts.api);

    // One-shot job: create every bucket (idempotently) once the server is healthy.
    const steps = [
      // Retried for up to a minute: MinIO may still be starting when the job runs.
      `attempt=0; until mc alias set lab ${httpUrl(api)} "$MINIO_ROOT_USER" "$MINIO_ROOT_PASSWORD"; do attempt=$((attempt + 1)); [ "$attempt" -lt 30 ] || exit 1; sleep 2; done`,
      'mc ready lab',
      ...Object.values(minioBuckets).map((bucket) => `mc mb --ignore-existing lab/${bucket}`),
    ];
    const job = platformContainer(
      {
        naming: args.naming,
        part: 'minio-buckets',
        image: args.images.pull('minioClient'),
        memoryMb: minioClientMemoryMb,
        memoryRequestMb: minioClientMemoryRequestMb,
        networks,
        envs: { MINIO_ROOT_USER: rootUser, MINIO_ROOT_PASSWORD: rootPassword },
        entrypoints: ['/bin/sh', '-c'],
        command: [steps.join(' && ')],
        oneShot: true,
      },
      { parent: this, dependsOn: [server] },
    );

    this.store = {
      endpoint: api,
      accessKey: pulumi.secret(rootUser),
      secretKey: rootPassword,
      bucket: (owner) => minioBuckets[owner],
      bucketsReady: requireSuccess(job, 'MinIO bucket job'),
    };
    this.console = endpoint(args.naming.of(part), minioPorts.console);
    this.containerName = server.name;
    this.bucketJobName = job.name;
    this.registerOutputs({ containerName: this.containerName, bucketJobName: this.bucketJobName });
  }
}
