import * as path from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { buildDashboards, buildPrometheusRuleFiles, grafanaDatasourceUids } from '@lab/dashboards';
import { Alertmanager } from './components/alertmanager';
import { Collector, collectorAddress } from './components/collector';
import { PostgresExporter, RedisExporter } from './components/exporters';
import { FaultController, faultControllerAddress } from './components/fault-controller';
import { Flagd, flagdAddress, flagProviderEnv } from './components/flagd';
import { Grafana } from './components/grafana';
import { LoadTest, type LoadTestResult } from './components/load-test';
import { Loki, lokiAddress } from './components/loki';
import { Minio } from './components/minio';
import { Postgres } from './components/postgres';
import { Prometheus } from './components/prometheus';
import { Pyroscope, pyroscopeAddress } from './components/pyroscope';
import { Redis } from './components/redis';
import { serviceReadinessPath, ShopService } from './components/shop-service';
import { Tempo, tempoAddress } from './components/tempo';
import { Toxiproxy, toxiproxyAddress } from './components/toxiproxy';
import { Traefik, traefikAddress } from './components/traefik';
import { useTarget } from './container';
import { targetRegistry } from './targets/registry';
import { dockerProvider, type RegistryAuth } from './docker-provider';
import { PlatformImages } from './images';
import { platformRuleFile } from './configs/prometheus';
import { faultDeclaration } from './configs/toxiproxy';
import { appHealthCheckDetectionMs } from './configs/traefik';
import { faultableRoutes } from '@lab/service/fault-flags';
import type { FaultDeclaration } from '@lab/service/fault-controller';
import { naming as makeNaming } from './naming';
import { PlatformNetworks } from './networks';
import type { PlatformSettings } from './settings';

export interface PlatformOutputs {
  readonly appUrl: pulumi.Input<string>;
  readonly grafanaUrl: pulumi.Input<string>;
  readonly prometheusUrl: pulumi.Input<string>;
  readonly alertmanagerUrl: pulumi.Input<string>;
  readonly traefikDashboardUrl: pulumi.Input<string>;
  readonly minioConsoleUrl: pulumi.Input<string>;
  /** Resolves only once Grafana confirmed the login signs in. */
  readonly grafanaAdminUser: pulumi.Output<string>;
  readonly grafanaAdminPassword: pulumi.Output<string>;
  readonly k6Result: pulumi.Output<LoadTestResult> | undefined;
  /** The faults in effect, as the fault controller applies them (no secrets: names and numbers). */
  readonly faults: FaultDeclaration;
}

/** Where the repository root is, seen from this file (infra-program/src). */
export const repositoryRoot = path.resolve(__dirname, '..', '..');

/**
 * The whole platform as one graph. Each part is a component that takes what it needs from the others'
 * outputs. Where two parts point at each other (Prometheus scrapes the Collector, the Collector pushes to
 * Prometheus) the address comes from the part's own module before the part exists.
 */
export function buildPlatform(settings: PlatformSettings, registryAuth?: RegistryAuth): PlatformOutputs {
  const naming = makeNaming(pulumi.getProject(), pulumi.getStack());
  const onKubernetes = settings.target === 'kubernetes';
  // The chosen target takes every part; the lab's one Docker provider (with its registry credentials) makes
  // the Docker resources, which on Kubernetes are only the service image's build and push.
  const setup = targetRegistry[settings.target](naming, settings, registryAuth);
  useTarget(setup.target);
  const inLab: pulumi.ComponentResourceOptions = {
    providers: [dockerProvider(registryAuth), ...setup.providers],
    ...(setup.transformations.length > 0 ? { transformations: setup.transformations } : {}),
  };
  const networks = new PlatformNetworks('networks', { naming }, inLab);
  const images = new PlatformImages('images', { keepLocally: settings.keepImages }, inLab);
  // What users reach: a host port on Docker; on Kubernetes a node port (NodePort) or the load balancer's port.
  const nodePorts = onKubernetes && settings.kubernetesServiceType === 'NodePort';
  const publish = (external: number, nodePort: number) =>
    nodePorts ? { external: nodePort, bindAddress: settings.kubernetesNodeAddress } : { external, bindAddress: settings.bindAddress };

  const postgres = new Postgres('postgres', { naming, networks, images }, inLab);
  const redis = new Redis('redis', { naming, networks, images }, inLab);
  const minio = new Minio('minio', { naming, networks, images }, inLab);
  const postgresExporter = new PostgresExporter('postgres-exporter', { naming, networks, images, postgres: postgres.connection }, inLab);
  const redisExporter = new RedisExporter('redis-exporter', { naming, networks, images, redis: redis.connection }, inLab);

  const collectorAt = collectorAddress(naming);
  const traefikAt = traefikAddress(naming);
  const traceSampleRatio = settings.traceSamplePercent / 100;
  const tempoAt = tempoAddress(naming);
  const lokiAt = lokiAddress(naming);
  const pyroscopeAt = pyroscopeAddress(naming);
  // The failure lab's parts are scraped by address, so Prometheus never waits on (or changes with) them.
  const toxiproxyAt = toxiproxyAddress(naming);
  const flagdAt = flagdAddress(naming);
  const faultControllerAt = faultControllerAddress(naming);

  const alertmanager = new Alertmanager('alertmanager', { naming, networks, images, publish: publish(settings.alertmanagerPort, settings.alertmanagerNodePort) }, inLab);
  const prometheus = new Prometheus('prometheus', {
    naming,
    networks,
    images,
    targets: [
      traefikAt.metrics,
      postgresExporter.target,
      redisExporter.target,
      collectorAt.selfMetrics,
      tempoAt.metrics,
      lokiAt.metrics,
      pyroscopeAt.metrics,
      alertmanager.address.metrics,
      toxiproxyAt.metrics,
      flagdAt.metrics,
      faultControllerAt.metrics,
    ],
    ruleFiles: [platformRuleFile(), ...buildPrometheusRuleFiles()],
    alertmanagers: [alertmanager.address.http],
    publish: publish(settings.prometheusPort, settings.prometheusNodePort),
  }, inLab);

  const tempo = new Tempo('tempo', { naming, networks, images, store: minio.store, prometheusRemoteWriteUrl: prometheus.address.remoteWriteUrl }, inLab);
  const loki = new Loki('loki', { naming, networks, images, store: minio.store }, inLab);
  const pyroscope = new Pyroscope('pyroscope', { naming, networks, images, store: minio.store }, inLab);
  const collector = new Collector('otel-collector', {
    naming,
    networks,
    images,
    destinations: {
      tempoOtlpGrpc: tempo.address.otlpGrpc,
      lokiHttp: loki.address.http,
      prometheusOtlpBaseUrl: prometheus.address.otlpBaseUrl,
    },
    traceSampleRatio,
    tempoReady: tempo.ready,
  }, inLab);

  // The failure lab. The replicas reach Postgres, Redis and the Collector through Toxiproxy (whose proxies
  // never change) and read their fault flags from flagd; the fault controller applies the link faults. A
  // fault change reaches only flagd's flag file (rewritten under the running flagd) and the controller's
  // declaration (the controller is replaced), nothing else (the migration, the exporters and Traefik connect
  // directly).
  const toxiproxy = new Toxiproxy('toxiproxy', {
    naming,
    networks,
    images,
    upstreams: {
      postgres: { host: postgres.connection.host, port: postgres.connection.endpoint.port },
      redis: { host: redis.connection.host, port: redis.connection.endpoint.port },
      collector: collector.address.otlpHttp,
    },
  }, inLab);
  const flagd = new Flagd('flagd', { naming, networks, images, app: settings.faults.app ?? {}, faultableRoutes }, inLab);
  const faults = faultDeclaration(settings.faults);

  const service = new ShopService('shop-api', {
    naming,
    networks,
    images,
    replicas: settings.replicas,
    serviceName: settings.serviceName,
    logLevel: settings.logLevel,
    loadBalancerDetectionMs: appHealthCheckDetectionMs,
    traceSampleRatio,
    postgres: postgres.connection,
    links: {
      databaseUrl: postgres.connection.urlVia(toxiproxy.via('postgres')),
      redisUrl: redis.connection.urlVia(toxiproxy.via('redis')),
      collectorOtlpHttp: toxiproxy.via('collector'),
      flagProvider: flagProviderEnv(flagd.address),
      // Profiles go straight to Pyroscope: the failure lab breaks the replicas' other links, not this one.
      pyroscopeHttp: pyroscope.address.http,
    },
    collectorReady: collector.ready,
    repositoryRoot,
  }, inLab);

  new FaultController('fault-controller', {
    naming,
    networks,
    image: service.imageId,
    toxiproxy: { api: toxiproxy.address.api, ready: toxiproxy.ready },
    declaration: faults,
    logLevel: settings.logLevel,
  }, inLab);

  const traefik = new Traefik('traefik', {
    naming,
    networks,
    images,
    collectorOtlpHttp: collector.address.otlpHttp,
    collectorReady: collector.ready,
    traceSampleRatio,
    routes: {
      appHost: settings.appHost,
      appReplicas: service.replicas,
      // On Kubernetes the one server is the app's Service, whose endpoints hold only ready pods.
      appHealthPath: onKubernetes ? undefined : serviceReadinessPath,
      minioConsoleHost: settings.minioConsoleHost,
      minioConsole: minio.console,
    },
    ...(nodePorts
      ? { bindAddress: settings.kubernetesNodeAddress, appPort: settings.appNodePort, dashboardPort: settings.traefikDashboardNodePort }
      : { bindAddress: settings.bindAddress, appPort: settings.appPort, dashboardPort: settings.traefikDashboardPort }),
  }, {
    ...inLab,
    // Started after the replicas are healthy, its first load-balancer health check already finds them:
    // otherwise the k6 smoke could meet 503s until Traefik's next check.
    dependsOn: [service],
  });

  const uids = grafanaDatasourceUids;
  const grafana = new Grafana('grafana', {
    naming,
    networks,
    images,
    datasources: {
      prometheus: prometheus.address.http,
      loki: loki.address.http,
      tempo: tempo.address.http,
      pyroscope: pyroscope.address.http,
      alertmanager: alertmanager.address.http,
    },
    uids,
    dashboards: buildDashboards(uids),
    adminUser: settings.grafanaAdminUser,
    publish: publish(settings.grafanaPort, settings.grafanaNodePort),
  }, inLab);

  const loadTest = settings.k6Enabled
    ? new LoadTest(
        'k6',
        {
          naming,
          networks,
          images,
          scenario: settings.k6Scenario,
          params: settings.k6Params,
          traefikWeb: traefik.address.web,
          appHost: settings.appHost,
          serviceName: settings.serviceName,
          tempoHttp: tempo.address.http,
          lokiHttp: loki.address.http,
          prometheusHttp: prometheus.address.http,
          prometheusRemoteWriteUrl: prometheus.address.remoteWriteUrl,
          proves: { serviceImageId: service.imageId, replicaIds: service.replicaIds, traefikId: traefik.containerId },
          attachedMaxSeconds: settings.k6AttachedMaxMinutes * 60,
        },
        // It proves the deploy: it starts only once everything it checks exists (and is healthy where
        // the part has a health check).
        { ...inLab, dependsOn: [traefik, service, collector, tempo, loki, prometheus, grafana] },
      )
    : undefined;

  const urls = {
    appUrl: traefik.appUrl,
    grafanaUrl: grafana.hostUrl,
    prometheusUrl: prometheus.hostUrl,
    alertmanagerUrl: alertmanager.hostUrl,
    traefikDashboardUrl: traefik.dashboardUrl,
    minioConsoleUrl: traefik.minioConsoleUrl,
  };
  // What the target adds once every part is declared (Kubernetes: the NetworkPolicies), and the URLs as the
  // user's machine reaches them.
  const reachable = setup.finish(urls);
  return {
    ...reachable,
    grafanaAdminUser: grafana.adminUser,
    grafanaAdminPassword: pulumi.secret(grafana.adminPassword),
    k6Result: loadTest?.result,
    faults,
  };
}
