import * as pulumi from '@pulumi/pulumi';
import { ConfigFile } from '../config-file';
import { toxiproxyApiPort, toxiproxyProxies, type ProxiedUpstream } from '../configs/toxiproxy';
import { platformContainer, readinessGate } from '../container';
import { endpoint, httpUrl, type Endpoint } from '../endpoint';
import type { FaultLink } from '@lab/service/failure-lab';
import { probeImage, type PlatformImages } from '../images';
import type { Naming } from '../naming';
import type { PlatformNetworks } from '../networks';
import type { ScrapeTarget } from './exporters';

export interface ToxiproxyAddress {
  /** Its HTTP API: the fault controller's target, and `/metrics`. */
  readonly api: Endpoint;
  readonly metrics: ScrapeTarget;
}

/** Known before the container exists: Prometheus's config names it up front. */
export function toxiproxyAddress(naming: Naming): ToxiproxyAddress {
  const api = endpoint(naming.of('toxiproxy'), toxiproxyApiPort);
  return { api, metrics: { job: 'toxiproxy', endpoint: api } };
}

/**
 * Its container's memory limit, MiB: a Go process copying a few dozen connections, each toxic buffering
 * up to its own chunk queue while it delays or slows data.
 */
export const toxiproxyMemoryMb = 128;
/**
 * What it holds at rest, MiB: a Go process proxying three links. The Kubernetes scheduler reserves this much (an estimate, not
 * measured here); the limit above still caps it.
 */
export const toxiproxyMemoryRequestMb = 32;

export interface ToxiproxyArgs {
  readonly naming: Naming;
  readonly networks: PlatformNetworks;
  readonly images: PlatformImages;
  /** Where each link's traffic really goes. A host that is a container's output orders Toxiproxy after it. */
  readonly upstreams: Readonly<Record<FaultLink, ProxiedUpstream>>;
}

/**
 * Toxiproxy between the replicas and Postgres, Redis and the Collector. Its proxy file lists every link,
 * always enabled, and never changes with the faults: the fault controller applies those through the API at
 * run time, so neither this container nor anything that connects through it is replaced on a fault change.
 */
export class Toxiproxy extends pulumi.ComponentResource {
  readonly address: ToxiproxyAddress;
  readonly config: ConfigFile;
  /** Resolves to its host name once its API answers (the proxies exist by then: they are made before it listens). */
  readonly ready: pulumi.Output<string>;
  private readonly upstreamPorts: Readonly<Record<FaultLink, number>>;

  constructor(name: string, args: ToxiproxyArgs, opts?: pulumi.ComponentResourceOptions) {
    super('lab:platform:Toxiproxy', name, {}, opts);
    this.address = toxiproxyAddress(args.naming);
    this.upstreamPorts = {
      postgres: args.upstreams.postgres.port,
      redis: args.upstreams.redis.port,
      collector: args.upstreams.collector.port,
    };
    this.config = new ConfigFile(
      'toxiproxy-config',
      { path: '/etc/toxiproxy/proxies.json', format: 'json', document: toxiproxyProxies(args.upstreams) },
      { parent: this },
    );
    const container = platformContainer(
      {
        naming: args.naming,
        part: 'toxiproxy',
        image: args.images.pull('toxiproxy'),
        // Postgres and Redis are on the data network, the Collector and the fault controller on telemetry.
        networks: args.networks.pick('data', 'telemetry'),
        // The image's entrypoint is the server (its CMD, `-host=0.0.0.0`, is replaced, so it is repeated).
        // `/metrics` exists only with one of the two metrics flags (api.go at v2.12.0).
        command: [
          '-host=0.0.0.0',
          `-port=${toxiproxyApiPort}`,
          `-config=${this.config.path}`,
          '-proxy-metrics',
          '-runtime-metrics',
        ],
        configFiles: [this.config],
        listens: [toxiproxyApiPort, ...Object.values(this.upstreamPorts)],
        memoryMb: toxiproxyMemoryMb,
        memoryRequestMb: toxiproxyMemoryRequestMb,
        readiness: { port: toxiproxyApiPort, path: '/version', timeoutSeconds: 3 },
      },
      { parent: this },
    );
    // FROM scratch (its Dockerfile at v2.12.0): no shell or HTTP client for a Docker health check.
    this.ready = readinessGate(
      {
        naming: args.naming,
        part: 'toxiproxy',
        target: container,
        url: httpUrl(this.address.api, '/version'),
        image: args.images.pull(probeImage),
        networks: args.networks.pick('telemetry'),
        timeoutSeconds: 60,
      },
      { parent: this },
    );
    this.registerOutputs({ ready: this.ready });
  }

  /** Where a consumer reaches a link through Toxiproxy: its host (once ready) and the upstream's own port. */
  via(link: FaultLink): { readonly host: pulumi.Output<string>; readonly port: number } {
    return { host: this.ready, port: this.upstreamPorts[link] };
  }
}
