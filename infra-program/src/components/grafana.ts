import * as pulumi from '@pulumi/pulumi';
import { ConfigFile } from '../config-file';
import {
  grafanaDashboardProviders,
  grafanaDashboardsDir,
  grafanaDatasources,
  grafanaPort,
  grafanaProvisioningDir,
  type DatasourceTargets,
  type DatasourceUids,
} from '../configs/grafana';
import { grafanaAdminCheckScript, type GrafanaAdminCheckEnv } from '../configs/grafana-admin-check';
import { platformContainer, platformVolume, requireSuccess, type PublishedPort } from '../container';
import { escapeGrafanaEnvExpansion } from '../render';
import type { Naming } from '../naming';
import type { PlatformNetworks } from '../networks';
import type { PlatformImages } from '../images';
import { generatedPassword } from '../secrets';

export interface GrafanaDashboardFile {
  readonly uid: string;
  readonly fileName: string;
  readonly dashboard: Record<string, unknown>;
}

export interface GrafanaArgs {
  readonly naming: Naming;
  readonly networks: PlatformNetworks;
  readonly images: PlatformImages;
  readonly datasources: DatasourceTargets;
  readonly uids: DatasourceUids;
  readonly dashboards: readonly GrafanaDashboardFile[];
  readonly adminUser: string;
  readonly publish: Omit<PublishedPort, 'internal'>;
}

/**
 * Its container's memory limit, MiB: SQLite, a handful of dashboards, one or two users; its first start runs
 * the database migrations, its busiest moment.
 */
export const grafanaMemoryMb = 512;
/**
 * What it holds at rest, MiB: the server with its plugins loaded and the provisioned dashboards, nobody viewing. The Kubernetes scheduler reserves this much (an estimate, not
 * measured here); the limit above still caps it.
 */
export const grafanaMemoryRequestMb = 192;

/** Seconds the admin check waits for Grafana's API after Grafana reported healthy. */
export const grafanaAdminCheckTimeoutSeconds = 60;

export class Grafana extends pulumi.ComponentResource {
  /** The admin login, once Grafana has confirmed it signs in (never a login Grafana does not have). */
  readonly adminUser: pulumi.Output<string>;
  readonly adminPassword: pulumi.Output<string>;
  readonly hostUrl: string;
  readonly datasourcesFile: ConfigFile;
  readonly dashboardFiles: readonly ConfigFile[];

  constructor(name: string, args: GrafanaArgs, opts?: pulumi.ComponentResourceOptions) {
    super('lab:platform:Grafana', name, {}, opts);
    this.adminPassword = generatedPassword('grafana-admin-password', 32, { parent: this });
    this.datasourcesFile = new ConfigFile(
      'grafana-datasources',
      {
        path: `${grafanaProvisioningDir}/datasources/datasources.yaml`,
        format: 'yaml',
        document: escapeGrafanaEnvExpansion(grafanaDatasources(args.datasources, args.uids)),
      },
      { parent: this },
    );
    const providers = new ConfigFile(
      'grafana-dashboard-providers',
      { path: `${grafanaProvisioningDir}/dashboards/providers.yaml`, format: 'yaml', document: grafanaDashboardProviders() },
      { parent: this },
    );
    const seen = new Set<string>();
    this.dashboardFiles = args.dashboards.map((board) => {
      if (!/^[a-z0-9][a-z0-9-]*\.json$/.test(board.fileName)) {
        throw new Error(`dashboard file name "${board.fileName}" must be a bare lower-case *.json name`);
      }
      if (seen.has(board.uid)) throw new Error(`two dashboards share the uid "${board.uid}"`);
      seen.add(board.uid);
      return new ConfigFile(
        `grafana-dashboard-${board.uid}`,
        { path: `${grafanaDashboardsDir}/${board.fileName}`, format: 'json', document: board.dashboard },
        { parent: this },
      );
    });
    const volume = platformVolume(args.naming, 'grafana', { parent: this });
    const grafana = platformContainer(
      {
        naming: args.naming,
        part: 'grafana',
        image: args.images.pull('grafana'),
        memoryMb: grafanaMemoryMb,
        memoryRequestMb: grafanaMemoryRequestMb,
        networks: args.networks.pick('telemetry'),
        envs: {
          GF_SERVER_HTTP_PORT: String(grafanaPort),
          GF_SECURITY_ADMIN_USER: args.adminUser,
          GF_SECURITY_ADMIN_PASSWORD: this.adminPassword,
          GF_AUTH_ANONYMOUS_ENABLED: 'false',
          GF_USERS_ALLOW_SIGN_UP: 'false',
          // No phoning home: the stack must also work on a machine without internet.
          GF_ANALYTICS_REPORTING_ENABLED: 'false',
          GF_ANALYTICS_CHECK_FOR_UPDATES: 'false',
          GF_ANALYTICS_CHECK_FOR_PLUGIN_UPDATES: 'false',
        },
        configFiles: [this.datasourcesFile, providers, ...this.dashboardFiles],
        volumes: [{ volumeName: volume.name, containerPath: '/var/lib/grafana' }],
        listens: [grafanaPort],
        ports: [{ internal: grafanaPort, ...args.publish }],
        healthcheck: {
          tests: ['CMD-SHELL', `wget -q -O /dev/null http://127.0.0.1:${grafanaPort}/api/health || exit 1`],
          httpGet: { port: grafanaPort, path: '/api/health' },
          intervalSeconds: 5,
          timeoutSeconds: 3,
          retries: 20,
          // A first start runs Grafana's database migrations (hundreds of them) before /api/health answers:
          // minutes on a laptop's disk.
          startPeriodSeconds: 300,
        },
      },
      { parent: this },
    );
    // Runs after every (re)start of Grafana (it carries Grafana's id): a changed grafanaAdminUser replaces
    // Grafana (its env changes), and this then refuses the deployment unless Grafana has that login.
    const checkEnv: Record<keyof GrafanaAdminCheckEnv, pulumi.Input<string>> = {
      GRAFANA_URL: pulumi.interpolate`http://${grafana.name}:${grafanaPort}`,
      ADMIN_USER: args.adminUser,
      ADMIN_PASSWORD: this.adminPassword,
      ADMIN_USER_KEY: `${args.naming.project}:grafanaAdminUser`,
      CHECK_TIMEOUT: String(grafanaAdminCheckTimeoutSeconds),
    };
    const check = platformContainer(
      {
        naming: args.naming,
        part: 'grafana-admin-check',
        image: args.images.pull('grafana'),
        // sh and curl: a few MiB.
        memoryMb: 32,
        memoryRequestMb: 16,
        networks: args.networks.pick('telemetry'),
        entrypoints: ['/bin/sh', '-c'],
        command: [grafanaAdminCheckScript],
        envs: checkEnv,
        labels: { 'lab.checks': grafana.id },
        oneShot: true,
      },
      { parent: this, dependsOn: [grafana] },
    );
    this.adminUser = requireSuccess(check, 'Grafana admin check').apply(() => args.adminUser);
    this.hostUrl = `http://${args.publish.bindAddress}:${args.publish.external}`;
    this.registerOutputs({ hostUrl: this.hostUrl });
  }
}
