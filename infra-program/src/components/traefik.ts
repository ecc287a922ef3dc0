import * as pulumi from '@pulumi/pulumi';
import { ConfigFile } from '../config-file';
import {
  traefikDynamicConfig,
  traefikDynamicPath,
  traefikPorts,
  traefikStaticConfig,
  traefikStaticPath,
  type TraefikRoutes,
} from '../configs/traefik';
import { platformContainer, type PublishedPort } from '../container';
import { endpoint, type Endpoint } from '../endpoint';
import type { PlatformImages } from '../images';
import type { Naming } from '../naming';
import type { PlatformNetworks } from '../networks';
import type { ScrapeTarget } from './exporters';

/** Traefik's default entry-point lifeCycle.graceTimeOut (static config DefaultGraceTimeout), in seconds. */
export const traefikGraceSeconds = 10;

export interface TraefikAddress {
  /** The app's entry point inside the Docker networks (k6 comes in here). */
  readonly web: Endpoint;
  readonly metrics: ScrapeTarget;
}

export function traefikAddress(naming: Naming): TraefikAddress {
  const host = naming.of('traefik');
  return {
    web: endpoint(host, traefikPorts.web),
    metrics: { job: 'traefik', endpoint: endpoint(host, traefikPorts.metrics) },
  };
}

export interface TraefikArgs {
  readonly naming: Naming;
  readonly networks: PlatformNetworks;
  readonly images: PlatformImages;
  readonly collectorOtlpHttp: Endpoint;
  /** The Collector's readiness: the edge's traces and metrics have somewhere to go from its start. */
  readonly collectorReady: pulumi.Output<string>;
  /** Share of requests the edge starts a sampled trace for. */
  readonly traceSampleRatio: number;
  readonly routes: TraefikRoutes;
  readonly bindAddress: string;
  readonly appPort: number;
  readonly dashboardPort: number;
}

/** Its container's memory limit, MiB: a Go proxy holding a few hundred connections. */
export const traefikMemoryMb = 192;
/**
 * What it holds at rest, MiB: a Go process with a handful of routes. The Kubernetes scheduler reserves this much (an estimate, not
 * measured here); the limit above still caps it.
 */
export const traefikMemoryRequestMb = 64;

export class Traefik extends pulumi.ComponentResource {
  readonly address: TraefikAddress;
  readonly appUrl: string;
  readonly minioConsoleUrl: string;
  readonly dashboardUrl: string;
  readonly staticConfig: ConfigFile;
  readonly dynamicConfig: ConfigFile;
  readonly containerName: pulumi.Output<string>;
  /** Its container id: changes whenever Traefik is replaced (a new config, a new image). */
  readonly containerId: pulumi.Output<string>;

  constructor(name: string, args: TraefikArgs, opts?: pulumi.ComponentResourceOptions) {
    super('lab:platform:Traefik', name, {}, opts);
    this.address = traefikAddress(args.naming);
    this.staticConfig = new ConfigFile(
      'traefik-static',
      { path: traefikStaticPath, format: 'yaml', document: traefikStaticConfig({ collectorOtlpHttp: args.collectorOtlpHttp, traceSampleRatio: args.traceSampleRatio }) },
      { parent: this },
    );
    this.dynamicConfig = new ConfigFile(
      'traefik-routes',
      { path: traefikDynamicPath, format: 'yaml', document: traefikDynamicConfig(args.routes) },
      { parent: this },
    );
    const ports: PublishedPort[] = [
      { internal: traefikPorts.web, external: args.appPort, bindAddress: args.bindAddress },
      { internal: traefikPorts.dashboard, external: args.dashboardPort, bindAddress: args.bindAddress },
    ];
    const container = platformContainer(
      {
        naming: args.naming,
        part: 'traefik',
        image: args.images.pull('traefik'),
        memoryMb: traefikMemoryMb,
        memoryRequestMb: traefikMemoryRequestMb,
        networks: args.networks.pick('edge', 'telemetry'),
        command: [`--configFile=${traefikStaticPath}`],
        configFiles: [this.staticConfig, this.dynamicConfig],
        listens: Object.values(traefikPorts),
        ports,
        labels: { 'lab.requires.collector': args.collectorReady },
        // Traefik serves pending requests for its entry points' lifeCycle.graceTimeOut (10 s by default)
        // after SIGTERM.
        stopTimeoutSeconds: traefikGraceSeconds + 5,
        healthcheck: {
          tests: ['CMD', 'traefik', 'healthcheck', `--configFile=${traefikStaticPath}`],
          // `traefik healthcheck` asks /ping on the ping entry point.
          httpGet: { port: traefikPorts.dashboard, path: '/ping' },
          intervalSeconds: 5,
          timeoutSeconds: 3,
          retries: 12,
          startPeriodSeconds: 30,
        },
      },
      { parent: this },
    );
    this.appUrl = `http://${args.routes.appHost}:${args.appPort}`;
    this.minioConsoleUrl = `http://${args.routes.minioConsoleHost}:${args.appPort}`;
    this.dashboardUrl = `http://${args.bindAddress}:${args.dashboardPort}/dashboard/`;
    this.containerName = container.name;
    this.containerId = container.id;
    this.registerOutputs({ appUrl: this.appUrl, dashboardUrl: this.dashboardUrl, minioConsoleUrl: this.minioConsoleUrl });
  }
}
