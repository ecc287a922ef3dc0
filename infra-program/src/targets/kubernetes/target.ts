import * as docker from '@pulumi/docker';
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import type {
  NetworkMembership,
  NetworkRole,
  PlatformContainerArgs,
  PlatformPart,
  PlatformReplicas,
  PlatformTarget,
  ReadinessGateArgs,
  ReplicatedArgs,
} from '../../container';
import type { Naming } from '../../naming';
import { SettingsError } from '../../settings-error';
import type { KubernetesServiceType, VolumeSize } from './settings';
import { namespaceName, objectName, statefulSetName } from './labels';
import type { PartNetworking } from './network-policies';
import { KubernetesPart, type ClusterContext } from './part';
import { dockerHubPullSecret } from './pull-secret';
import type { RegistryAuth } from '../../docker-provider';

/**
 * Volume sizes when the stack sets none: what a lab fills in days of use (Prometheus keeps 30 days of the
 * lab's series; Loki, Tempo and Pyroscope keep their chunks, blocks and profiles on MinIO, so theirs hold WALs,
 * caches and Pyroscope's metastore).
 */
const defaultVolumeSizes: Readonly<Record<string, string>> = {
  postgres: '5Gi',
  redis: '1Gi',
  minio: '20Gi',
  prometheus: '10Gi',
  loki: '5Gi',
  tempo: '5Gi',
  pyroscope: '2Gi',
  grafana: '1Gi',
  alertmanager: '1Gi',
};

export interface KubernetesTargetArgs {
  readonly naming: Naming;
  readonly storageClass: string;
  readonly volumeSizes: readonly VolumeSize[];
  readonly exposeAs: KubernetesServiceType;
  /** The registry the service image is pushed to and the nodes pull it from. */
  readonly imageRegistry: string;
  /** A Docker Hub login the nodes pull with (an image pull secret on every pod); none: anonymous pulls. */
  readonly dockerHub?: RegistryAuth;
  /** The app's scaling: a fixed count, or an autoscaler's bounds. */
  readonly appScaling: { readonly replicas: number } | { readonly minReplicas: number; readonly maxReplicas: number; readonly cpuPercent: number };
}

/** The env var that holds the pod's own name (downward API), for `$(POD_NAME)` references in later env. */
const podNameEnv = 'POD_NAME';

/**
 * The Kubernetes target: a namespace per stack, and every part of the graph as workloads in it. It keeps
 * what each part declared about its networks and ports, for the NetworkPolicies made from them.
 */
export class KubernetesTarget extends pulumi.ComponentResource implements PlatformTarget {
  readonly kind = 'kubernetes' as const;
  readonly namespace: k8s.core.v1.Namespace;
  readonly namespaceName: pulumi.Output<string>;
  readonly parts: KubernetesPart[] = [];
  readonly networking: PartNetworking[] = [];
  readonly autoscaler?: k8s.autoscaling.v2.HorizontalPodAutoscaler;
  readonly naming: Naming;
  private readonly cluster: ClusterContext;
  private readonly args: KubernetesTargetArgs;
  private readonly stateful = new Set<string>();

  constructor(name: string, args: KubernetesTargetArgs, opts?: pulumi.ComponentResourceOptions) {
    super('lab:kubernetes:Target', name, {}, opts);
    this.args = args;
    this.naming = args.naming;
    this.namespace = new k8s.core.v1.Namespace(
      'namespace',
      {
        metadata: {
          name: namespaceName(args.naming),
          labels: { 'lab.project': args.naming.project, 'lab.stack': args.naming.stack, 'app.kubernetes.io/managed-by': 'pulumi' },
        },
      },
      { parent: this },
    );
    this.namespaceName = this.namespace.metadata.apply((meta) => meta.name!);
    // Before any part is declared: the longest stateful part's name is the one that bounds the stack name.
    for (const part of Object.keys(defaultVolumeSizes)) statefulSetName(args.naming, part);
    const sizes = new Map(args.volumeSizes.map((entry) => [entry.part, entry.size]));
    for (const part of sizes.keys()) {
      if (!(part in defaultVolumeSizes)) {
        throw new SettingsError(
          `invalid stack config:\n  - ${args.naming.project}:kubernetesVolumeSizes names ${part}, which has no volume (stateful parts: ${Object.keys(defaultVolumeSizes).join(', ')})`,
        );
      }
    }
    const pullSecret = args.dockerHub ? dockerHubPullSecret(args.naming, this.namespaceName, args.dockerHub, { parent: this }) : undefined;
    this.cluster = {
      namespace: this.namespaceName,
      // By the Secret's output: every pod is created after the Secret it pulls with.
      imagePullSecrets: pullSecret ? pullSecret.metadata.apply((meta) => [{ name: meta.name! }]) : undefined,
      storageClass: args.storageClass,
      exposeAs: args.exposeAs,
      volumeSize: (part) => {
        const size = sizes.get(part) ?? defaultVolumeSizes[part];
        if (!size) throw new Error(`part ${part} has a volume but no default size: add it to defaultVolumeSizes`);
        return size;
      },
    };
    this.registerOutputs({ namespace: this.namespaceName });
  }

  container(args: PlatformContainerArgs, opts: pulumi.CustomResourceOptions): PlatformPart {
    if ((args.volumes ?? []).length > 0 && !this.stateful.has(args.part)) {
      throw new Error(`${args.part} mounts a volume it did not declare with platformVolume(naming, '${args.part}', ...)`);
    }
    return this.record(new KubernetesPart({ description: args, cluster: this.cluster, replicas: args.oneShot ? undefined : 1 }, opts), args);
  }

  replicas({ count, envs, ...description }: ReplicatedArgs, opts: pulumi.CustomResourceOptions): PlatformReplicas {
    const scaling = this.args.appScaling;
    const autoscaled = 'maxReplicas' in scaling;
    const part = this.record(
      new KubernetesPart(
        {
          // Each pod's own name is its instance id, as `<part>-<n>` is a container's on Docker.
          description: { ...description, envs: envs(`$(${podNameEnv})`) },
          cluster: this.cluster,
          // An autoscaler owns the count: a fixed one here would be reset on every `pulumi up`.
          replicas: autoscaled ? undefined : count,
          leadingEnv: [{ name: podNameEnv, valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
        },
        opts,
      ),
      { ...description, envs: {} },
    );
    if (autoscaled) {
      const deployment = part.workload as k8s.apps.v1.Deployment;
      (this as { autoscaler?: k8s.autoscaling.v2.HorizontalPodAutoscaler }).autoscaler = new k8s.autoscaling.v2.HorizontalPodAutoscaler(
        `${description.part}-autoscaler`,
        {
          metadata: { name: objectName(description.naming, description.part), namespace: this.namespaceName, labels: part.podLabels },
          spec: {
            scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: deployment.metadata.name },
            minReplicas: scaling.minReplicas,
            maxReplicas: scaling.maxReplicas,
            metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: scaling.cpuPercent } } }],
          },
        },
        { parent: part },
      );
    }
    return { instances: [part], hosts: [objectName(description.naming, description.part)] };
  }

  volume(naming: Naming, part: string, _opts: pulumi.CustomResourceOptions): { name: pulumi.Output<string> } {
    // The claim itself comes from the StatefulSet's claim template (one per pod, kept across replacements).
    this.stateful.add(part);
    return { name: pulumi.output(`${objectName(naming, part)}-data`) };
  }

  /** The Job's await already failed `pulumi up` unless it completed: its name resolves only after success. */
  requireSuccess(job: PlatformPart, _what: string): pulumi.Output<string> {
    return job.name;
  }

  /**
   * The part's readiness probe is its declared readiness URL (PlatformContainerArgs.readiness), and the
   * workload's await waits for ready pods: the gate is the part's name, which resolves then. The URL the
   * Docker probe polls must be that same URL.
   */
  readinessGate(args: ReadinessGateArgs, _opts: pulumi.CustomResourceOptions): pulumi.Output<string> {
    const part = this.parts.find((p) => p === args.target);
    const readiness = this.readinessOf.get(args.part);
    if (!part || !readiness) {
      throw new Error(`${args.part}: a readiness gate needs the part's readiness (port and path) in its description`);
    }
    const url = new URL(args.url);
    if (Number(url.port) !== readiness.port || url.pathname !== readiness.path) {
      throw new Error(`${args.part}: its readiness gate asks ${args.url}, its description declares :${readiness.port}${readiness.path}`);
    }
    return part.name;
  }

  /**
   * On Kubernetes a role is not an object: the pods share the cluster network, and NetworkPolicies made from
   * each part's roles (network-policies.ts) allow what a Docker network would.
   */
  network(_naming: Naming, role: NetworkRole): NetworkMembership {
    return { role, name: pulumi.output(role) };
  }

  /** The kubelet pulls the pinned tag on each node that runs it; nothing is pulled on this machine. */
  pullImage(_key: string, name: string): pulumi.Output<string> {
    return pulumi.output(name);
  }

  /**
   * Built on this machine and pushed to the configured registry, run by its pushed digest
   * (`registry/name@sha256:…`), so a rebuild rolls the pods.
   */
  buildImage(name: string, args: { imageName: string; context: string; dockerfile: string }, opts: pulumi.CustomResourceOptions): pulumi.Output<string> {
    const image = new docker.Image(
      name,
      { imageName: `${this.args.imageRegistry}/${args.imageName}:lab`, build: { context: args.context, dockerfile: args.dockerfile }, skipPush: false },
      opts,
    );
    return image.repoDigest;
  }

  /** A Job's pod log (a detached k6 run is a Job that `pulumi up` only started). */
  followLogs(part: PlatformPart): pulumi.Output<string> {
    const kind = (part as KubernetesPart).kind === 'Job' ? 'job/' : '';
    return pulumi.all([this.namespaceName, part.name]).apply(([namespace, name]) => `kubectl logs -f -n ${namespace} ${kind}${name}`);
  }

  /** The address a load balancer gave a published part (its IP, or its host name on clouds that give one). */
  externalAddress(part: string): pulumi.Output<string> {
    const found = this.parts.find((p) => p.podLabels['lab.part'] === part)?.externalService;
    if (!found) throw new Error(`${part} publishes no port`);
    return found.status.apply((status) => {
      const ingress = status?.loadBalancer?.ingress?.[0];
      return ingress?.ip ?? ingress?.hostname ?? '<pending>';
    });
  }

  private readonly readinessOf = new Map<string, { port: number; path: string }>();

  /** Records what the NetworkPolicies need of a part. */
  private record(part: KubernetesPart, args: PlatformContainerArgs): KubernetesPart {
    this.parts.push(part);
    if (args.readiness) this.readinessOf.set(args.part, { port: args.readiness.port, path: args.readiness.path });
    this.networking.push({
      part: args.part,
      podLabels: part.podLabels,
      networks: args.networks.map((n) => n.role),
      listens: [...new Set([...(args.listens ?? []), ...(args.ports ?? []).map((p) => p.internal)])].map((port) => ({ port })),
      published: (args.ports ?? []).map((p) => p.internal),
    });
    return part;
  }
}
