import * as pulumi from '@pulumi/pulumi';
import { platformContainer, type HealthCheck } from '../container';
import { bindAll, endpoint, type Endpoint } from '../endpoint';
import type { PlatformImages } from '../images';
import type { Naming } from '../naming';
import type { PlatformNetworks } from '../networks';
import type { PostgresConnection } from './postgres';
import type { RedisConnection } from './redis';

/** Something Prometheus scrapes: a job name and the endpoint serving `/metrics`. */
export interface ScrapeTarget {
  readonly job: string;
  readonly endpoint: Endpoint;
}

export const postgresExporterPort = 9187;
export const redisExporterPort = 9121;

/** The exporters' addresses are known before they exist, so Prometheus's config can name them up front. */
export function postgresExporterTarget(naming: Naming): ScrapeTarget {
  return { job: 'postgres-exporter', endpoint: endpoint(naming.of('postgres-exporter'), postgresExporterPort) };
}
export function redisExporterTarget(naming: Naming): ScrapeTarget {
  return { job: 'redis-exporter', endpoint: endpoint(naming.of('redis-exporter'), redisExporterPort) };
}

/** Each exporter's memory limit, MiB: a Go process answering one scrape at a time. */
export const exporterMemoryMb = 64;
/**
 * What it holds at rest, MiB: a Go process that holds one scrape at a time. The Kubernetes scheduler reserves this much (an estimate, not
 * measured here); the limit above still caps it.
 */
export const exporterMemoryRequestMb = 32;

/**
 * Healthy only while the exporter reaches its database: `/metrics` answers 200 either way, but its
 * `<namespace>_up` gauge is 1 only when the last scrape connected (postgres_exporter v0.20.1
 * `exporter/postgres_exporter.go`: `pg_up`; redis_exporter `exporter/exporter.go`: `redis_up`; its
 * `/health` writes `ok` without touching Redis). Both images have sh, wget and grep (busybox, alpine).
 */
export const upProbe = (port: number, upMetric: 'pg_up' | 'redis_up', alivePath: string): HealthCheck => ({
  tests: ['CMD-SHELL', `wget -q -O - http://127.0.0.1:${port}/metrics | grep -q '^${upMetric} 1$'`],
  intervalSeconds: 10,
  timeoutSeconds: 5,
  retries: 5,
  startPeriodSeconds: 30,
  // Its store being down is no reason to restart the exporter: a path it answers without touching the store.
  alive: { httpGet: { port, path: alivePath } },
});

export class PostgresExporter extends pulumi.ComponentResource {
  readonly target: ScrapeTarget;
  constructor(
    name: string,
    args: { naming: Naming; networks: PlatformNetworks; images: PlatformImages; postgres: PostgresConnection },
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super('lab:platform:PostgresExporter', name, {}, opts);
    this.target = postgresExporterTarget(args.naming);
    const pg = args.postgres;
    platformContainer(
      {
        naming: args.naming,
        part: 'postgres-exporter',
        image: args.images.pull('postgresExporter'),
        memoryMb: exporterMemoryMb,
        memoryRequestMb: exporterMemoryRequestMb,
        networks: args.networks.pick('data', 'telemetry'),
        command: [`--web.listen-address=${bindAll(this.target.endpoint.port)}`],
        listens: [this.target.endpoint.port],
        envs: {
          DATA_SOURCE_URI: pulumi.interpolate`${pg.host}:${pg.endpoint.port}/${pg.database}?sslmode=disable`,
          DATA_SOURCE_USER: pg.user,
          DATA_SOURCE_PASS: pg.password,
        },
        healthcheck: upProbe(this.target.endpoint.port, 'pg_up', '/'),
      },
      { parent: this },
    );
    this.registerOutputs({});
  }
}

export class RedisExporter extends pulumi.ComponentResource {
  readonly target: ScrapeTarget;
  constructor(
    name: string,
    args: { naming: Naming; networks: PlatformNetworks; images: PlatformImages; redis: RedisConnection },
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super('lab:platform:RedisExporter', name, {}, opts);
    this.target = redisExporterTarget(args.naming);
    platformContainer(
      {
        naming: args.naming,
        part: 'redis-exporter',
        image: args.images.pull('redisExporter'),
        memoryMb: exporterMemoryMb,
        memoryRequestMb: exporterMemoryRequestMb,
        networks: args.networks.pick('data', 'telemetry'),
        listens: [this.target.endpoint.port],
        envs: {
          REDIS_ADDR: pulumi.interpolate`redis://${args.redis.host}:${args.redis.endpoint.port}`,
          REDIS_PASSWORD: args.redis.password,
          REDIS_EXPORTER_WEB_LISTEN_ADDRESS: bindAll(this.target.endpoint.port),
        },
        healthcheck: upProbe(this.target.endpoint.port, 'redis_up', '/health'),
      },
      { parent: this },
    );
    this.registerOutputs({});
  }
}
