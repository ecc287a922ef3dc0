import { scenarioNames, scenarioParams, type ScenarioName } from '@lab/load';
import { logLevels, type LogLevel } from './log-level';
import { SettingsError, type RawConfig } from './settings-error';
import { kubernetesServiceTypes, type KubernetesServiceType, type KubernetesTargetSettings, type VolumeSize } from './targets/kubernetes/settings';
import { targetKinds, type TargetKind } from './targets/registry';

export { SettingsError, type RawConfig } from './settings-error';
import { faultScenarios } from '@lab/dashboards';
import { faultableRoutes } from '@lab/service/fault-flags';
import { shopApiMemoryMb } from './components/shop-service';
import { type FaultSettings, noFaultScenario, readFaults } from '@lab/service/failure-lab';

/**
 * The stack's knobs: their types, defaults and limits. Pulumi.yaml declares the same keys with the same
 * defaults (a test keeps the two equal); the CLI applies those defaults, and this module applies them
 * again so the program never depends on who merged them in (mocks don't).
 */
export interface PlatformSettings extends KubernetesTargetSettings {
  /** Number of shop-api replicas behind Traefik. */
  readonly replicas: number;
  /** The Host header Traefik routes to the app; every client, k6 included, sends it. */
  readonly appHost: string;
  /** The Host header Traefik routes to the MinIO console (MinIO itself is never published). */
  readonly minioConsoleHost: string;
  /** Host address every published port binds. */
  readonly bindAddress: string;
  readonly appPort: number;
  readonly grafanaPort: number;
  readonly prometheusPort: number;
  /** Host port of Alertmanager's UI and API. */
  readonly alertmanagerPort: number;
  readonly traefikDashboardPort: number;
  readonly serviceName: string;
  readonly logLevel: LogLevel;
  /**
   * Percentage of requests traced, decided once at the edge (Traefik) and followed downstream (the service
   * samples parent-based, with this ratio for traces it starts itself). Metrics and logs cover every request.
   */
  readonly traceSamplePercent: number;
  readonly grafanaAdminUser: string;
  readonly k6Scenario: ScenarioName;
  /** Extra k6 parameters, `KEY=VALUE` each, passed to the scenario as environment. */
  readonly k6Params: Readonly<Record<string, string>>;
  /** Whether `pulumi up` runs the k6 scenario at all. */
  readonly k6Enabled: boolean;
  /**
   * Longest planned k6 run, in minutes, that `pulumi up` waits for (attached: exit code and summary come
   * back); a run planned longer starts detached. The soak (1 h) is over the default.
   */
  readonly k6AttachedMaxMinutes: number;
  /** Whether `pulumi destroy` leaves the images, pulled and built, on the host (the next run skips the pulls). */
  readonly keepImages: boolean;
  /**
   * Whether the Docker host enforces a swap limit (`docker info -f '{{.SwapLimit}}'`). Without one Docker
   * records every container's memory swap as -1, and the program then ignores that field in diffs.
   */
  readonly swapLimit: boolean;
  /** Where the platform runs: containers on one Docker host, or the cluster of the current kubeconfig context. */
  readonly target: TargetKind;
  /** Kubernetes: how Traefik, Grafana, Prometheus and Alertmanager are reached from outside the cluster. */
  readonly kubernetesServiceType: KubernetesServiceType;
  /** Kubernetes with NodePort: the address the user's machine reaches the nodes' ports on (kind/k3d: loopback). */
  readonly kubernetesNodeAddress: string;
  /** Kubernetes with NodePort: the node ports of the app entry point, Traefik's dashboard, Grafana, Prometheus, Alertmanager. */
  readonly appNodePort: number;
  readonly traefikDashboardNodePort: number;
  readonly grafanaNodePort: number;
  readonly prometheusNodePort: number;
  readonly alertmanagerNodePort: number;
  /** Kubernetes: the StorageClass of every PersistentVolumeClaim; empty means the cluster's default class. */
  readonly kubernetesStorageClass: string;
  /** Kubernetes: volume sizes per stateful part (`part=quantity`), over the program's defaults. */
  readonly kubernetesVolumeSizes: readonly VolumeSize[];
  /** Kubernetes: the registry the service image is pushed to and pulled from (`host[:port][/path]`). */
  readonly kubernetesImageRegistry: string;
  /** Kubernetes: a HorizontalPodAutoscaler on the app's CPU instead of a fixed `replicas`. */
  readonly autoscaling: boolean;
  readonly autoscalingMinReplicas: number;
  readonly autoscalingMaxReplicas: number;
  /** Average CPU use, in percent of the app's CPU request, the autoscaler keeps the replicas at. */
  readonly autoscalingCpuPercent: number;
  /**
   * The faults in effect (the failure lab): `faultScenario`'s, with the stack's `faults` object on top,
   * validated against the model's bounds (@lab/service/failure-lab).
   */
  readonly faults: FaultSettings;
  /** A scenario of the catalogue (@lab/dashboards) whose faults are the base; `none` for none. */
  readonly faultScenario: string;
}


/** The defaults, identical to those Pulumi.yaml declares. */
export const defaultSettings: PlatformSettings = {
  replicas: 2,
  appHost: 'shop.localhost',
  minioConsoleHost: 'minio.localhost',
  bindAddress: '127.0.0.1',
  appPort: 8000,
  grafanaPort: 3000,
  prometheusPort: 9090,
  alertmanagerPort: 9093,
  traefikDashboardPort: 8080,
  serviceName: 'shop-api',
  logLevel: 'info',
  traceSamplePercent: 100,
  grafanaAdminUser: 'admin',
  k6Scenario: 'smoke',
  k6Params: {},
  k6Enabled: true,
  k6AttachedMaxMinutes: 15,
  keepImages: false,
  swapLimit: true,
  target: 'docker',
  kubernetesServiceType: 'NodePort',
  kubernetesNodeAddress: '127.0.0.1',
  appNodePort: 30080,
  traefikDashboardNodePort: 30088,
  grafanaNodePort: 30300,
  prometheusNodePort: 30090,
  alertmanagerNodePort: 30093,
  kubernetesStorageClass: '',
  kubernetesVolumeSizes: [],
  kubernetesImageRegistry: 'localhost:5001',
  autoscaling: false,
  autoscalingMinReplicas: 2,
  autoscalingMaxReplicas: 6,
  autoscalingCpuPercent: 70,
  faults: {},
  faultScenario: noFaultScenario,
};

export function readSettings(project: string, raw: RawConfig): PlatformSettings {
  const problems: string[] = [];
  const key = (name: string) => `${project}:${name}`;
  const fail = (name: string, why: string, value: string) => {
    problems.push(`${key(name)} ${why} (got ${JSON.stringify(value)})`);
  };

  const integer = (name: keyof PlatformSettings, min: number, max: number): number => {
    const value = raw(name);
    const fallback = defaultSettings[name] as number;
    if (value === undefined || value === '') return fallback;
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < min || parsed > max) {
      fail(name, `must be an integer from ${min} to ${max}`, value);
      return fallback;
    }
    return parsed;
  };
  const text = (name: keyof PlatformSettings, pattern: RegExp, rule: string): string => {
    const value = raw(name);
    if (value === undefined || value === '') return defaultSettings[name] as string;
    if (!pattern.test(value)) fail(name, rule, value);
    return value;
  };
  const oneOf = <T extends string>(name: keyof PlatformSettings, allowed: readonly T[]): T => {
    const value = raw(name);
    if (value === undefined || value === '') return defaultSettings[name] as T;
    if (!(allowed as readonly string[]).includes(value)) {
      fail(name, `must be one of ${allowed.join(', ')}`, value);
      return defaultSettings[name] as T;
    }
    return value as T;
  };
  const flag = (name: keyof PlatformSettings): boolean => {
    const value = raw(name);
    if (value === undefined || value === '') return defaultSettings[name] as boolean;
    if (value !== 'true' && value !== 'false') {
      fail(name, 'must be true or false', value);
      return defaultSettings[name] as boolean;
    }
    return value === 'true';
  };
  const params = (name: 'k6Params'): Record<string, string> => {
    const value = raw(name);
    if (value === undefined || value === '') return { ...defaultSettings.k6Params };
    let list: unknown;
    try {
      list = JSON.parse(value);
    } catch {
      fail(name, 'must be a list of KEY=VALUE strings', value);
      return {};
    }
    if (!Array.isArray(list)) {
      fail(name, 'must be a list of KEY=VALUE strings', value);
      return {};
    }
    const entries: [string, string][] = [];
    for (const item of list) {
      const match = typeof item === 'string' ? /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(item) : null;
      if (!match) {
        fail(name, 'must be a list of KEY=VALUE strings with upper-case keys', JSON.stringify(item));
        continue;
      }
      entries.push([match[1]!, match[2]!]);
    }
    return Object.fromEntries(entries);
  };

  const optionalText = (name: keyof PlatformSettings, pattern: RegExp, rule: string): string => {
    const value = raw(name);
    if (value === undefined || value === '') return '';
    if (!pattern.test(value)) fail(name, rule, value);
    return value;
  };
  const volumeSizes = (name: 'kubernetesVolumeSizes'): VolumeSize[] => {
    const value = raw(name);
    if (value === undefined || value === '') return [];
    let list: unknown;
    try {
      list = JSON.parse(value);
    } catch {
      list = undefined;
    }
    if (!Array.isArray(list)) {
      fail(name, 'must be a list of part=size strings (postgres=10Gi)', value);
      return [];
    }
    const sizes: VolumeSize[] = [];
    for (const item of list) {
      // A binary or decimal quantity of bytes, as a PersistentVolumeClaim's storage request takes it.
      const match = typeof item === 'string' ? /^([a-z][a-z0-9-]*)=([1-9][0-9]*(?:Ki|Mi|Gi|Ti|k|M|G|T))$/.exec(item) : null;
      if (!match) {
        fail(name, 'must be a list of part=size strings with a size like 512Mi or 10Gi', JSON.stringify(item));
        continue;
      }
      sizes.push({ part: match[1]!, size: match[2]! });
    }
    return sizes;
  };

  const faults = readFaults(
    project,
    { faults: raw('faults'), faultScenario: raw('faultScenario') },
    faultScenarios,
    { routes: faultableRoutes, replicaMemoryMb: shopApiMemoryMb },
  );
  problems.push(...faults.problems);

  const hostName = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/;
  const settings: PlatformSettings = {
    replicas: integer('replicas', 1, 10),
    appHost: text('appHost', hostName, 'must be a lower-case DNS host name'),
    minioConsoleHost: text('minioConsoleHost', hostName, 'must be a lower-case DNS host name'),
    bindAddress: text('bindAddress', /^(\d{1,3}\.){3}\d{1,3}$/, 'must be an IPv4 address'),
    appPort: integer('appPort', 1, 65535),
    grafanaPort: integer('grafanaPort', 1, 65535),
    prometheusPort: integer('prometheusPort', 1, 65535),
    alertmanagerPort: integer('alertmanagerPort', 1, 65535),
    traefikDashboardPort: integer('traefikDashboardPort', 1, 65535),
    serviceName: text('serviceName', /^[a-z][a-z0-9-]*$/, 'must be lower-case letters, digits and dashes'),
    logLevel: oneOf('logLevel', logLevels),
    traceSamplePercent: integer('traceSamplePercent', 0, 100),
    grafanaAdminUser: text('grafanaAdminUser', /^[a-zA-Z0-9_.-]+$/, 'must be letters, digits, _ . or -'),
    k6Scenario: oneOf('k6Scenario', scenarioNames),
    k6Params: params('k6Params'),
    k6Enabled: flag('k6Enabled'),
    // A day at most: longer than any scenario's plan, short of holding the stack's lock indefinitely.
    k6AttachedMaxMinutes: integer('k6AttachedMaxMinutes', 1, 1440),
    keepImages: flag('keepImages'),
    swapLimit: flag('swapLimit'),
    target: oneOf('target', targetKinds),
    kubernetesServiceType: oneOf('kubernetesServiceType', kubernetesServiceTypes),
    kubernetesNodeAddress: text('kubernetesNodeAddress', /^(\d{1,3}\.){3}\d{1,3}$|^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/, 'must be an IPv4 address or a lower-case host name'),
    appNodePort: integer('appNodePort', 30000, 32767),
    traefikDashboardNodePort: integer('traefikDashboardNodePort', 30000, 32767),
    grafanaNodePort: integer('grafanaNodePort', 30000, 32767),
    prometheusNodePort: integer('prometheusNodePort', 30000, 32767),
    alertmanagerNodePort: integer('alertmanagerNodePort', 30000, 32767),
    kubernetesStorageClass: optionalText('kubernetesStorageClass', /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/, 'must be a StorageClass name (lower-case DNS subdomain)'),
    kubernetesVolumeSizes: volumeSizes('kubernetesVolumeSizes'),
    kubernetesImageRegistry: text('kubernetesImageRegistry', /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:\d{1,5})?(\/[a-z0-9]([a-z0-9._-]*[a-z0-9])?)*$/, 'must be a registry host[:port][/path], lower-case'),
    autoscaling: flag('autoscaling'),
    autoscalingMinReplicas: integer('autoscalingMinReplicas', 1, 50),
    autoscalingMaxReplicas: integer('autoscalingMaxReplicas', 1, 50),
    autoscalingCpuPercent: integer('autoscalingCpuPercent', 10, 100),
    faults: faults.faults,
    faultScenario: faults.scenario,
  };

  const published = ['appPort', 'grafanaPort', 'prometheusPort', 'alertmanagerPort', 'traefikDashboardPort'] as const;
  const seen = new Map<number, string>();
  for (const name of published) {
    const other = seen.get(settings[name]);
    if (other) fail(name, `must differ from ${key(other)}`, String(settings[name]));
    seen.set(settings[name], name);
  }
  const accepted: readonly string[] = scenarioParams[settings.k6Scenario];
  for (const param of Object.keys(settings.k6Params)) {
    if (!accepted.includes(param)) {
      fail('k6Params', `has ${param}, which scenario ${settings.k6Scenario} does not take (it takes ${accepted.join(', ')})`, param);
    }
  }
  if (settings.appHost === settings.minioConsoleHost) {
    fail('minioConsoleHost', `must differ from ${key('appHost')}`, settings.minioConsoleHost);
  }

  const nodePorts = ['appNodePort', 'traefikDashboardNodePort', 'grafanaNodePort', 'prometheusNodePort', 'alertmanagerNodePort'] as const;
  const seenNodePorts = new Map<number, string>();
  for (const name of nodePorts) {
    const other = seenNodePorts.get(settings[name]);
    if (other) fail(name, `must differ from ${key(other)}`, String(settings[name]));
    seenNodePorts.set(settings[name], name);
  }
  if (settings.autoscalingMinReplicas > settings.autoscalingMaxReplicas) {
    fail('autoscalingMinReplicas', `must not exceed ${key('autoscalingMaxReplicas')} (${settings.autoscalingMaxReplicas})`, String(settings.autoscalingMinReplicas));
  }
  if (problems.length > 0) throw new SettingsError(`invalid stack config:\n  - ${problems.join('\n  - ')}`);
  return settings;
}
