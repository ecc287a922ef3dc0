import * as pulumi from '@pulumi/pulumi';
import { ConfigFile } from '../config-file';
import { collectorConfig, collectorPorts, type CollectorDestinations } from '../configs/collector';
import { platformContainer, readinessGate } from '../container';
import { endpoint, httpUrl, type Endpoint } from '../endpoint';
import { probeImage, type PlatformImages } from '../images';
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

/** The health_check extension: 200 once the pipelines run. */
const collectorReadiness = { port: collectorPorts.health, path: '/' } as const;

/** Its container's hard limit; the memory_limiter's limits are derived from it. */
export const collectorMemoryMb = 512;
/**
 * What it holds at rest, MiB: its pipelines with empty queues; load fills the queues up to the memory_limiter. The Kubernetes scheduler reserves this much (an estimate, not
 * measured here); the limit above still caps it.
 */
export const collectorMemoryRequestMb = 128;

export class Collector extends pulumi.ComponentResource {
  readonly address: CollectorAddress;
  readonly config: ConfigFile;
  /** Resolves once the Collector answers on its health_check extension; dependents put it in a label. */
  readonly ready: pulumi.Output<string>;

  constructor(
    name: string,
    args: {
      naming: Naming;
      networks: PlatformNetworks;
      images: PlatformImages;
      destinations: CollectorDestinations;
      /** The share of traces kept at the edge (0 to 1), stamped on spans for Tempo's span metrics. */
      traceSampleRatio: number;
      /** Tempo's readiness: the Collector starts exporting traces only once Tempo takes them. */
      tempoReady: pulumi.Output<string>;
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
    const container = platformContainer(
      {
        naming: args.naming,
        part: 'otel-collector',
        image: args.images.pull('collector'),
        networks: args.networks.pick('telemetry'),
        command: [`--config=${this.config.path}`],
        listens: [collectorPorts.otlpGrpc, collectorPorts.otlpHttp, collectorPorts.selfMetrics, collectorPorts.health],
        readiness: { ...collectorReadiness, timeoutSeconds: 3, withinSeconds: 90 },
        configFiles: [this.config],
        memoryMb: collectorMemoryMb,
        memoryRequestMb: collectorMemoryRequestMb,
        // On SIGTERM the exporters drain their sending queues to Tempo, Loki and Prometheus.
        stopTimeoutSeconds: 15,
        labels: { 'lab.requires.tempo': args.tempoReady },
      },
      { parent: this },
    );
    // The contrib image is FROM scratch (no shell, no HTTP client): no Docker health check can run in it.
    // Its health_check extension answers on the telemetry network instead, and a probe asks it there.
    this.ready = readinessGate(
      {
        naming: args.naming,
        part: 'otel-collector',
        target: container,
        url: httpUrl(endpoint(args.naming.of('otel-collector'), collectorReadiness.port), collectorReadiness.path),
        image: args.images.pull(probeImage),
        networks: args.networks.pick('telemetry'),
        timeoutSeconds: 90,
      },
      { parent: this },
    );
    this.registerOutputs({ ready: this.ready });
  }
}
