import * as docker from '@pulumi/docker';
import * as pulumi from '@pulumi/pulumi';
import { k6Image } from '@lab/load';
import type { TargetKind } from './targets/active';

/**
 * Every image the platform runs, pinned to an explicit version. The README lists exactly these (a test
 * checks it), with the upstream document each one's config was checked against.
 */
export const images = {
  traefik: 'traefik:v3.7.14',
  postgres: 'postgres:18.6',
  // 8.10.2: the security release of 2026-09-18 on the 8.10 line, after 8.10.1 of 2026-08-18 (docker-library
  // official-images pull request #22312, library/redis).
  redis: 'redis:8.10.2-alpine',
  postgresExporter: 'quay.io/prometheuscommunity/postgres-exporter:v0.20.1',
  // The -alpine variant: the default image is FROM scratch and has no shell or wget for the health check.
  redisExporter: 'oliver006/redis_exporter:v1.91.1-alpine',
  // MinIO's Docker Hub repositories were removed in September 2026; quay.io still serves the last
  // community releases (the server's last published image and mc's last release). See README.
  minio: 'quay.io/minio/minio:RELEASE.2025-09-07T16-13-09Z',
  minioClient: 'quay.io/minio/mc:RELEASE.2025-08-13T08-35-41Z',
  collector: 'otel/opentelemetry-collector-contrib:0.161.0',
  tempo: 'grafana/tempo:2.10.8',
  loki: 'grafana/loki:3.7.8',
  prometheus: 'prom/prometheus:v3.14.0',
  // 0.34.2 is the newest patch of the newest line whose source could be read here (v0.34.0; 0.35.x exists
  // per the Go module index, its config reference unread). See README.
  alertmanager: 'prom/alertmanager:v0.34.2',
  grafana: 'grafana/grafana:13.2.2',
  // Pinned by @lab/load, whose scripts target that k6 version.
  k6: k6Image,
  // The newest tag of Shopify/toxiproxy (v2.12.0); its goreleaser publishes the version without the v.
  toxiproxy: 'ghcr.io/shopify/toxiproxy:2.12.0',
  // flagd/v0.16.1, the newest release of open-feature/flagd; its release workflow tags images v<version>.
  flagd: 'ghcr.io/open-feature/flagd:v0.16.1',
} as const;


export type UpstreamImage = keyof typeof images;

/**
 * The image readiness probes run: Prometheus's is built FROM quay.io/prometheus/busybox (its Dockerfile),
 * so it has sh, wget and date, and the lab pulls it anyway.
 */
export const probeImage: UpstreamImage = 'prometheus';

/**
 * The upstream images, each pulled once by a `RemoteImage` (through the lab's Docker provider, so with its
 * registry credentials) instead of by the containers themselves: the provider then removes each one on
 * `pulumi destroy` unless `keepLocally` is set. An image is pulled only when some container asks for it.
 */
export class PlatformImages extends pulumi.ComponentResource {
  private readonly pulled = new Map<UpstreamImage, docker.RemoteImage>();
  /** Whether destroy leaves the images on the host (`keepImages`). */
  readonly keepLocally: boolean;

  /** Where the images run: pulled onto the Docker host, or pulled by the cluster's nodes themselves. */
  private readonly target: TargetKind;
  /** Kubernetes: the registry the built service image is pushed to (the nodes pull it from there). */
  private readonly registry: string | undefined;

  constructor(
    name: string,
    args: { keepLocally: boolean; target?: TargetKind; registry?: string },
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super('lab:platform:Images', name, {}, opts);
    this.keepLocally = args.keepLocally;
    this.target = args.target ?? 'docker';
    this.registry = args.registry;
    this.registerOutputs({});
  }

  /**
   * The image as a container takes it: its repo digest (`repo@sha256:...`), the exact content pulled,
   * which the provider can pull again by digest if the local copy went missing; the image id when the
   * image has no repo digest. Using the output also orders the container after the pull, and its
   * deletion before the image's.
   */
  pull(key: UpstreamImage): pulumi.Output<string> {
    // The kubelet pulls the pinned tag on each node that runs it; nothing is pulled on this machine.
    if (this.target === 'kubernetes') return pulumi.output(images[key]);
    let image = this.pulled.get(key);
    if (!image) {
      image = new docker.RemoteImage(`image-${key}`, { name: images[key], keepLocally: this.keepLocally }, { parent: this });
      this.pulled.set(key, image);
    }
    return pulumi.all([image.repoDigest, image.imageId]).apply(([repoDigest, imageId]) => repoDigest || imageId);
  }

  /**
   * An image built from a Dockerfile of the repository, as a part runs it. Docker: built on the host, never
   * pushed, and run by its id, with a `RemoteImage` named by that id that removes it on destroy (docker.Image
   * deletes nothing: pulumi-docker provider.go). Kubernetes: built on this machine and pushed to the
   * configured registry, run by its pushed digest (`registry/name@sha256:…`), so a rebuild rolls the pods.
   */
  build(name: string, args: { imageName: string; context: string; dockerfile: string }, opts: pulumi.CustomResourceOptions): pulumi.Output<string> {
    if (this.target === 'kubernetes') {
      const image = new docker.Image(
        name,
        { imageName: `${this.registry}/${args.imageName}:lab`, build: { context: args.context, dockerfile: args.dockerfile }, skipPush: false },
        opts,
      );
      return image.repoDigest;
    }
    const image = new docker.Image(
      name,
      { imageName: `${args.imageName}:local`, build: { context: args.context, dockerfile: args.dockerfile }, skipPush: true },
      opts,
    );
    // docker.Image deletes nothing on destroy (pulumi-docker provider.go: Delete is a no-op). A RemoteImage
    // named by the built image's id finds it locally (no pull) and removes it when it is destroyed, or
    // replaced after a rebuild (new id): neither the last build nor the ones before it stay behind. Forced,
    // so an extra tag someone added does not block it. For a local image repoDigest is the image id: a
    // rebuild changes it and so rolls the replicas.
    const built = new docker.RemoteImage(`${name}-local`, { name: image.repoDigest, keepLocally: this.keepLocally, forceRemove: true }, opts);
    return built.imageId;
  }
}
