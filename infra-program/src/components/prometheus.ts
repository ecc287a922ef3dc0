import * as path from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { ConfigFile } from '../config-file';
import { prometheusConfig, prometheusPort, prometheusRulesDir, type PrometheusRuleFile } from '../configs/prometheus';
import { platformContainer, platformVolume, type PublishedPort } from '../container';
import { bindAll, endpoint, httpUrl, type Endpoint } from '../endpoint';
import type { PlatformImages } from '../images';
import type { Naming } from '../naming';
import type { PlatformNetworks } from '../networks';
import type { ScrapeTarget } from './exporters';

export interface PrometheusAddress {
  readonly http: Endpoint;
  /** Remote-write receiver (Tempo's metrics generator, k6). */
  readonly remoteWriteUrl: string;
  /** Base of the OTLP receiver; an OTLP/HTTP exporter appends `/v1/metrics`. */
  readonly otlpBaseUrl: string;
  readonly self: ScrapeTarget;
}

export function prometheusAddress(naming: Naming): PrometheusAddress {
  const http = endpoint(naming.of('prometheus'), prometheusPort);
  return {
    http,
    remoteWriteUrl: httpUrl(http, '/api/v1/write'),
    otlpBaseUrl: httpUrl(http, '/api/v1/otlp'),
    self: { job: 'prometheus', endpoint: http },
  };
}

export interface PrometheusArgs {
  readonly naming: Naming;
  readonly networks: PlatformNetworks;
  readonly images: PlatformImages;
  /** Everything else it scrapes; it always scrapes itself too. */
  readonly targets: readonly ScrapeTarget[];
  readonly ruleFiles: readonly PrometheusRuleFile[];
  /** The Alertmanager(s) its rules' alerts are sent to. */
  readonly alertmanagers: readonly Endpoint[];
  readonly publish: Omit<PublishedPort, 'internal'>;
}

/** Its container's memory limit, MiB: the head block of the lab's series (two hours), the 30-day rules' queries, exemplar storage. */
export const prometheusMemoryMb = 1024;
/**
 * What it holds at rest, MiB: the head block of the lab's few thousand series. The Kubernetes scheduler reserves this much (an estimate, not
 * measured here); the limit above still caps it.
 */
export const prometheusMemoryRequestMb = 256;

export class Prometheus extends pulumi.ComponentResource {
  readonly address: PrometheusAddress;
  readonly config: ConfigFile;
  readonly ruleFiles: readonly ConfigFile[];
  readonly hostUrl: string;

  constructor(name: string, args: PrometheusArgs, opts?: pulumi.ComponentResourceOptions) {
    super('lab:platform:Prometheus', name, {}, opts);
    this.address = prometheusAddress(args.naming);
    const hostUrl = `http://${args.publish.bindAddress}:${args.publish.external}`;
    this.config = new ConfigFile(
      'prometheus-config',
      {
        path: '/etc/prometheus/prometheus.yml',
        format: 'yaml',
        document: prometheusConfig({
          stack: args.naming.stack,
          targets: [this.address.self, ...args.targets],
          alertmanagers: args.alertmanagers,
        }),
      },
      { parent: this },
    );
    this.ruleFiles = args.ruleFiles.map((rule) => {
      if (path.basename(rule.fileName) !== rule.fileName || !rule.fileName.endsWith('.yml')) {
        throw new Error(`rule file name "${rule.fileName}" must be a bare *.yml name`);
      }
      return new ConfigFile(
        `prometheus-rules-${rule.fileName.replace(/\.yml$/, '')}`,
        { path: `${prometheusRulesDir}/${rule.fileName}`, format: 'yaml', document: rule.content },
        { parent: this },
      );
    });
    const volume = platformVolume(args.naming, 'prometheus', { parent: this });
    platformContainer(
      {
        naming: args.naming,
        part: 'prometheus',
        image: args.images.pull('prometheus'),
        memoryMb: prometheusMemoryMb,
        memoryRequestMb: prometheusMemoryRequestMb,
        networks: args.networks.pick('telemetry'),
        command: [
          `--config.file=${this.config.path}`,
          '--storage.tsdb.path=/prometheus',
          `--web.listen-address=${bindAll(prometheusPort)}`,
          '--web.enable-otlp-receiver',
          '--web.enable-remote-write-receiver',
          '--enable-feature=exemplar-storage',
          // Alerts carry a link back to the expression that fired them (rules.SendAlerts uses the external
          // URL): the published address opens in a browser, the default (the container's hostname) does not.
          `--web.external-url=${hostUrl}`,
        ],
        configFiles: [this.config, ...this.ruleFiles],
        volumes: [{ volumeName: volume.name, containerPath: '/prometheus' }],
        listens: [prometheusPort],
        // On SIGTERM the TSDB closes its head and WAL; killed, the next start replays the WAL.
        stopTimeoutSeconds: 30,
        ports: [{ internal: prometheusPort, ...args.publish }],
        healthcheck: {
          tests: ['CMD-SHELL', `wget -q -O /dev/null http://127.0.0.1:${prometheusPort}/-/ready || exit 1`],
          httpGet: { port: prometheusPort, path: '/-/ready' },
          intervalSeconds: 5,
          timeoutSeconds: 3,
          retries: 12,
          // After a restart it replays its WAL (up to the retention's worth of head data) before /-/ready.
          startPeriodSeconds: 120,
          // /-/healthy answers as soon as the web handler serves, WAL replay or not (web/web.go).
          alive: { httpGet: { port: prometheusPort, path: '/-/healthy' } },
        },
      },
      { parent: this },
    );
    this.hostUrl = hostUrl;
    this.registerOutputs({ hostUrl: this.hostUrl });
  }
}
