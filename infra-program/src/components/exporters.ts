import * as pulumi from '@pulumi/pulumi';
import { platformContainer } from '../container';
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

const metricsProbe = (port: number) => ({
  tests: ['CMD-SHELL', `wget -q -O /dev/null http://127.0.0.1:${port}/metrics || exit 1`],
  interval: '10s',
  timeout: '5s',
  retries: 5,
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
        networks: args.networks.pick('data', 'telemetry'),
        command: [`--web.listen-address=${bindAll(this.target.endpoint.port)}`],
        envs: {
          DATA_SOURCE_URI: pulumi.interpolate`${pg.host}:${pg.endpoint.port}/${pg.database}?sslmode=disable`,
          DATA_SOURCE_USER: pg.user,
          DATA_SOURCE_PASS: pg.password,
        },
        healthcheck: metricsProbe(this.target.endpoint.port),
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
        networks: args.networks.pick('data', 'telemetry'),
        envs: {
          REDIS_ADDR: pulumi.interpolate`redis://${args.redis.host}:${args.redis.endpoint.port}`,
          REDIS_PASSWORD: args.redis.password,
          REDIS_EXPORTER_WEB_LISTEN_ADDRESS: bindAll(this.target.endpoint.port),
        },
        healthcheck: metricsProbe(this.target.endpoint.port),
      },
      { parent: this },
    );
    this.registerOutputs({});
  }
}
