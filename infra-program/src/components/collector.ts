import * as pulumi from '@pulumi/pulumi';
import { ConfigFile } from '../config-file';
import { collectorConfig, collectorPorts, type CollectorDestinations } from '../configs/collector';
import { platformContainer } from '../container';
import { endpoint, type Endpoint } from '../endpoint';
import type { PlatformImages } from '../images';
import type { Naming } from '../naming';
import type { PlatformNetworks } from '../networks';
import type { ScrapeTarget } from './exporters';

export interface CollectorAddress {
  readonly otlpGrpc: Endpoint;
  readonly otlpHttp: Endpoint;
  readonly selfMetrics: ScrapeTarget;
}

/**
 * Known before the container exists: Prometheus scrapes the Collector while the Collector pushes to
 * Prometheus, so one of the two must be named ahead. The Collector's own module says where it listens.
 */
export function collectorAddress(naming: Naming): CollectorAddress {
  const host = naming.of('otel-collector');
  return {
    otlpGrpc: endpoint(host, collectorPorts.otlpGrpc),
    otlpHttp: endpoint(host, collectorPorts.otlpHttp),
    selfMetrics: { job: 'otel-collector', endpoint: endpoint(host, collectorPorts.selfMetrics) },
  };
}

/** Its container's hard limit; the memory_limiter's limits are derived from it. */
export const collectorMemoryMb = 512;

export class Collector extends pulumi.ComponentResource {
  readonly address: CollectorAddress;
  readonly config: ConfigFile;

  constructor(
    name: string,
    args: {
      naming: Naming;
      networks: PlatformNetworks;
      images: PlatformImages;
      destinations: CollectorDestinations;
      /** The share of traces kept at the edge (0 to 1), stamped on spans for Tempo's span metrics. */
      traceSampleRatio: number;
    },
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super('lab:platform:Collector', name, {}, opts);
    this.address = collectorAddress(args.naming);
    this.config = new ConfigFile(
      'otel-collector-config',
      { path: '/etc/otelcol-contrib/config.yaml', format: 'yaml', document: collectorConfig(args.destinations, args.traceSampleRatio, collectorMemoryMb) },
      { parent: this },
    );
    platformContainer(
      {
        naming: args.naming,
        part: 'otel-collector',
        image: args.images.pull('collector'),
        networks: args.networks.pick('telemetry'),
        command: [`--config=${this.config.path}`],
        configFiles: [this.config],
        memoryMb: collectorMemoryMb,
        // On SIGTERM the exporters drain their sending queues to Tempo, Loki and Prometheus.
        stopTimeoutSeconds: 15,
        // The contrib image has no shell or HTTP client for a Docker health check; its health_check
        // extension answers on the telemetry network instead.
      },
      { parent: this },
    );
    this.registerOutputs({});
  }
}
