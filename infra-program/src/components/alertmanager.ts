import * as pulumi from '@pulumi/pulumi';
import { ConfigFile } from '../config-file';
import { alertmanagerConfig, alertmanagerConfigPath, alertmanagerDataDir, alertmanagerPort } from '../configs/alertmanager';
import { platformContainer, platformVolume, type PublishedPort } from '../container';
import { bindAll, endpoint, hostPort, type Endpoint } from '../endpoint';
import type { PlatformImages } from '../images';
import type { Naming } from '../naming';
import type { PlatformNetworks } from '../networks';
import type { ScrapeTarget } from './exporters';

export interface AlertmanagerAddress {
  /** Its HTTP API and UI: Prometheus pushes alerts here, Grafana reads them. */
  readonly http: Endpoint;
  /** What Prometheus's `alerting.alertmanagers[].static_configs[].targets` takes. */
  readonly target: string;
  readonly metrics: ScrapeTarget;
}

/** Known before the container exists, so Prometheus's config can name it. */
export function alertmanagerAddress(naming: Naming): AlertmanagerAddress {
  const http = endpoint(naming.of('alertmanager'), alertmanagerPort);
  return { http, target: hostPort(http), metrics: { job: 'alertmanager', endpoint: http } };
}

/** It holds alerts, silences and a notification log, nothing that grows with traffic. */
export const alertmanagerMemoryMb = 96;
/**
 * What it holds at rest, MiB: a few alert groups and silences. The Kubernetes scheduler reserves this much (an estimate, not
 * measured here); the limit above still caps it.
 */
export const alertmanagerMemoryRequestMb = 32;

export interface AlertmanagerArgs {
  readonly naming: Naming;
  readonly networks: PlatformNetworks;
  readonly images: PlatformImages;
  readonly publish: Omit<PublishedPort, 'internal'>;
}

/**
 * Receives the alerts Prometheus fires and routes them by severity (configs/alertmanager.ts). Its UI is
 * published so a lab user sees which receiver each alert group reached; Grafana shows the same through
 * its Alertmanager datasource.
 */
export class Alertmanager extends pulumi.ComponentResource {
  readonly address: AlertmanagerAddress;
  readonly config: ConfigFile;
  readonly hostUrl: string;

  constructor(name: string, args: AlertmanagerArgs, opts?: pulumi.ComponentResourceOptions) {
    super('lab:platform:Alertmanager', name, {}, opts);
    this.address = alertmanagerAddress(args.naming);
    this.hostUrl = `http://${args.publish.bindAddress}:${args.publish.external}`;
    this.config = new ConfigFile(
      'alertmanager-config',
      { path: alertmanagerConfigPath, format: 'yaml', document: alertmanagerConfig() },
      { parent: this },
    );
    const volume = platformVolume(args.naming, 'alertmanager', { parent: this });
    platformContainer(
      {
        naming: args.naming,
        part: 'alertmanager',
        image: args.images.pull('alertmanager'),
        networks: args.networks.pick('telemetry'),
        // Flags of cmd/alertmanager/main.go at v0.34.0; the listen flag is exporter-toolkit's.
        command: [
          `--config.file=${alertmanagerConfigPath}`,
          `--storage.path=${alertmanagerDataDir}`,
          `--web.listen-address=${bindAll(alertmanagerPort)}`,
          // Links in its UI and in notifications point where the user can open them.
          `--web.external-url=${this.hostUrl}/`,
          // One instance: no gossip port, no HA peer search.
          '--cluster.listen-address=',
        ],
        configFiles: [this.config],
        volumes: [{ volumeName: volume.name, containerPath: alertmanagerDataDir }],
        listens: [alertmanagerPort],
        ports: [{ internal: alertmanagerPort, ...args.publish }],
        memoryMb: alertmanagerMemoryMb,
        memoryRequestMb: alertmanagerMemoryRequestMb,
        // The image is busybox-based (its Dockerfile), so wget is there.
        healthcheck: {
          tests: ['CMD-SHELL', `wget -q -O /dev/null http://127.0.0.1:${alertmanagerPort}/-/ready || exit 1`],
          httpGet: { port: alertmanagerPort, path: '/-/ready' },
          // /-/healthy answers while the process serves (ui/web.go); /-/ready waits for the config to load.
          alive: { httpGet: { port: alertmanagerPort, path: '/-/healthy' } },
          intervalSeconds: 5,
          timeoutSeconds: 3,
          retries: 12,
          startPeriodSeconds: 30,
        },
      },
      { parent: this },
    );
    this.registerOutputs({ hostUrl: this.hostUrl });
  }
}
