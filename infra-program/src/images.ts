import { k6Image } from '@lab/load';

/**
 * Every image the platform runs, pinned to an explicit version. The README lists exactly these (a test
 * checks it), with the upstream document each one's config was checked against.
 */
export const images = {
  traefik: 'traefik:v3.7.14',
  postgres: 'postgres:18.6',
  // 8.10.1 is the security release of 2026-08-18 on the 8.10 line (docker-library official-images library/redis).
  redis: 'redis:8.10.1-alpine',
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
  grafana: 'grafana/grafana:13.2.2',
  // Pinned by @lab/load, whose scripts target that k6 version.
  k6: k6Image,
} as const;

