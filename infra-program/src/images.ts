import * as pulumi from '@pulumi/pulumi';
import { k6Image } from '@lab/load';
import { activeTarget } from './container';

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
  // v2.2.1 (2026-08-06), the newest release tag of grafana/pyroscope; its goreleaser publishes the version
  // without the v.
  pyroscope: 'grafana/pyroscope:2.2.1',
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
 * The images the parts run, each pulled at most once and only when some part asks for it, in the way of the
 * target in place (a Docker target pulls it onto the host through the lab's provider, so with its registry
 * credentials, and removes it on `pulumi destroy` unless `keepLocally`; a cluster's nodes pull it themselves).
 */
export class PlatformImages extends pulumi.ComponentResource {
  private readonly pulled = new Map<UpstreamImage, pulumi.Output<string>>();
  /** Whether destroy leaves the images on the host (`keepImages`). */
  readonly keepLocally: boolean;

  constructor(name: string, args: { keepLocally: boolean }, opts?: pulumi.ComponentResourceOptions) {
    super('lab:platform:Images', name, {}, opts);
    this.keepLocally = args.keepLocally;
    this.registerOutputs({});
  }

  /** The image as a part takes it; using the output also orders the part after the pull. */
  pull(key: UpstreamImage): pulumi.Output<string> {
    let image = this.pulled.get(key);
    if (!image) {
      image = activeTarget().pullImage(key, images[key], { keepLocally: this.keepLocally, parent: this });
      this.pulled.set(key, image);
    }
    return image;
  }

  /** An image built from a Dockerfile of the repository, as a part runs it. */
  build(name: string, args: { imageName: string; context: string; dockerfile: string }, opts: pulumi.CustomResourceOptions): pulumi.Output<string> {
    return activeTarget().buildImage(name, { ...args, keepLocally: this.keepLocally }, opts);
  }
}
