import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import type { PlatformContainerArgs, PlatformPart } from '../../container';
import { defaultStopTimeoutSeconds, liveFileNames } from '../../container';
import { fingerprint } from '../../fingerprint';
import { annotationKey, checkRunName, objectName, partLabels, runName, selectorLabels, statefulSetName } from './labels';
import { filesVolume, liveFilesVolume, secretFilesVolume, sortValues } from './files-and-env';
import { probesOf } from './probes';
import { parseRunReport, terminationMessagePath, wrappedRun } from './run-report';

type EnvVar = k8s.types.input.core.v1.EnvVar;

/** What every part of one stack shares on the cluster. */
export interface ClusterContext {
  readonly namespace: pulumi.Output<string>;
  /** Empty: the cluster's default StorageClass. */
  readonly storageClass: string;
  readonly volumeSize: (part: string) => string;
  readonly exposeAs: 'NodePort' | 'LoadBalancer';
  /** The image pull secrets every pod names (the stack's Docker Hub login), if any. */
  readonly imagePullSecrets?: pulumi.Output<{ name: string }[]>;
}

export interface KubernetesPartArgs {
  readonly description: PlatformContainerArgs;
  readonly cluster: ClusterContext;
  /** Long-running: how many pods; undefined when an autoscaler owns the count. */
  readonly replicas?: number;
  /** Env that comes before the description's (the pod's own name for `$(POD_NAME)` references). */
  readonly leadingEnv?: EnvVar[];
}

export type WorkloadKind = 'Deployment' | 'StatefulSet' | 'Job' | 'Pod';

/** A CPU request for every container: what the scheduler reserves and what the app's autoscaler measures against. */
const cpuRequest = { longRunning: '100m', oneShot: '50m' } as const;

/**
 * One part on the cluster: its workload (a Deployment, or a StatefulSet when it has storage, a Job when it
 * runs once, a bare Pod when its exit code is a result), the ConfigMap and Secret it reads, and the
 * Service others reach it by, named like its Docker container so every address is the same string.
 */
export class KubernetesPart extends pulumi.ComponentResource implements PlatformPart {
  readonly kind: WorkloadKind;
  /** The Service's name once the workload is up (ready pods, a complete Job): the part's DNS name. */
  readonly name: pulumi.Output<string>;
  /** Changes whenever the workload's spec changes (uid and generation), as a container id does. */
  readonly id: pulumi.Output<string>;
  readonly exitCode: pulumi.Output<number | undefined>;
  readonly containerLogs: pulumi.Output<string | undefined>;
  readonly workload: pulumi.CustomResource;
  readonly service?: k8s.core.v1.Service;
  readonly externalService?: k8s.core.v1.Service;
  readonly podLabels: Record<string, string>;

  constructor(args: KubernetesPartArgs, opts: pulumi.ComponentResourceOptions) {
    const d = args.description;
    super('lab:kubernetes:Part', d.part, {}, opts);
    const child = { parent: this };
    const oneShot = d.oneShot === true;
    this.kind = oneShot ? (d.reportsResult && !d.detached ? 'Pod' : 'Job') : (d.volumes ?? []).length > 0 ? 'StatefulSet' : 'Deployment';
    const name = this.kind === 'StatefulSet' ? statefulSetName(d.naming, d.part) : objectName(d.naming, d.part);
    const namespace = args.cluster.namespace;
    const labels = partLabels(d.naming, d.part);
    const selector = selectorLabels(d.naming, d.part);
    this.podLabels = labels;

    const secretName = `${name}-secrets`;
    const configMapName = `${name}-files`;
    const values = sortValues(d, secretName, args.leadingEnv ?? []);
    const configMap = values.hasFiles
      ? new k8s.core.v1.ConfigMap(`${d.part}-files`, { metadata: { name: configMapName, namespace, labels }, data: values.configData }, child)
      : undefined;
    // Live files: their own ConfigMap, mounted whole (a subPath mount is never updated), named by a plain
    // string and left out of the pod template's digests, so a change of their content updates the mounted
    // directory in place (the kubelet's periodic sync swaps it atomically) and never rolls the pods.
    const liveMapName = `${name}-live`;
    const liveMap = d.liveFiles
      ? new k8s.core.v1.ConfigMap(
          `${d.part}-live`,
          {
            metadata: { name: liveMapName, namespace, labels },
            data: pulumi.all(d.liveFiles.files.map((file) => file.content)).apply((contents) => {
              const names = liveFileNames(d.liveFiles!);
              return Object.fromEntries(names.map((fileName, index) => [fileName, contents[index]!]));
            }),
          },
          // A change of data replaces a ConfigMap (the provider's default, enableConfigMapMutable off); with a
          // fixed name, the old one goes first. The pods keep the last content they were given meanwhile.
          { ...child, deleteBeforeReplace: true },
        )
      : undefined;
    const secret = values.mayHoldSecrets
      ? new k8s.core.v1.Secret(`${d.part}-secrets`, { metadata: { name: secretName, namespace, labels }, type: 'Opaque', stringData: values.secretData }, child)
      : undefined;

    const stopSeconds = d.stopTimeoutSeconds ?? defaultStopTimeoutSeconds;
    const preStop = oneShot ? 0 : (d.preStopSeconds ?? 0);
    const memory = d.memoryMb ? `${d.memoryMb}Mi` : undefined;
    if (d.memoryMb && (d.memoryRequestMb === undefined || d.memoryRequestMb > d.memoryMb)) {
      throw new Error(`${d.part}: a memory limit needs a memory request at most as large (memoryRequestMb), what the part needs at rest`);
    }
    const memoryRequest = d.memoryRequestMb ? `${d.memoryRequestMb}Mi` : undefined;
    const probes = oneShot ? {} : probesOf(d);
    const listens = [...new Set([...(d.listens ?? []), ...(d.ports ?? []).map((p) => p.internal)])];
    const reportedRun = this.kind === 'Pod';
    if (reportedRun && d.entrypoints === undefined) {
      throw new Error(`${d.part}: a run whose exit code is its result needs its entrypoint in its description, to run it from the reporting wrapper`);
    }
    const argv = reportedRun
      ? pulumi.all([d.entrypoints ?? [], d.command ?? []]).apply(([entrypoint, command]) => wrappedRun([...entrypoint, ...command]))
      : undefined;
    const container = {
      name: d.part,
      image: d.image,
      command: argv ? argv.command : d.entrypoints,
      args: argv ? argv.args : d.command,
      env: values.env,
      ports: listens.map((port) => ({ containerPort: port, name: portName(port), protocol: 'TCP' })),
      volumeMounts: values.mounts.apply((files) => [
        ...(files ?? []),
        ...(d.liveFiles ? [{ name: liveFilesVolume, mountPath: d.liveFiles.directory, readOnly: true }] : []),
        ...(d.volumes ?? []).map((v) => ({ name: 'data', mountPath: v.containerPath })),
      ]),
      resources: {
        // The scheduler places by requests: what the part needs at rest, so the lab fits a laptop's node;
        // the limit is its ceiling, as on Docker.
        requests: { cpu: oneShot ? cpuRequest.oneShot : cpuRequest.longRunning, ...(memoryRequest ? { memory: memoryRequest } : {}) },
        limits: memory ? { memory } : undefined,
      },
      ...probes,
      // The pod stays listed (and served) for preStop, then gets SIGTERM and its own stop budget.
      lifecycle: preStop > 0 ? { preStop: { sleep: { seconds: preStop } } } : undefined,
      // A failed container's last log lines (the kubelet's fallback: 80 lines, 2 KiB at most) land in its
      // status as the termination message: the provider's Job await puts them into the error of a failed
      // Job ("[Error] <lines>", pod checker containerTerminatedError), and a k6 pod's result reads them.
      terminationMessagePolicy: 'FallbackToLogsOnError',
      terminationMessagePath,
    };
    if ((d.volumes ?? []).length > 1) throw new Error(`${d.part}: one volume per part on Kubernetes (one claim template)`);
    const user = runAs(d.part, d.user);
    // Volumes are group-writable for the pod whatever user its image runs as (Tempo 10001, Grafana 472,
    // Prometheus nobody): Docker gave a fresh named volume the image directory's owner instead.
    const volumeGroup = (d.volumes ?? []).length > 0 ? { fsGroup: 10001, fsGroupChangePolicy: 'OnRootMismatch' } : undefined;

    const annotations: Record<string, pulumi.Input<string>> = {
      ...Object.fromEntries(Object.entries(d.labels ?? {}).map(([key, value]) => [annotationKey(key), value])),
      ...(values.hasFiles ? { 'lab.files.sha256': values.filesDigest } : {}),
      ...(secret ? { 'lab.secrets.sha256': values.secretsDigest } : {}),
    };
    const podSpec = {
      containers: [container],
      volumes: [
        ...(configMap ? [{ name: filesVolume, configMap: { name: configMap.metadata.name } }] : []),
        ...(secret ? [{ name: secretFilesVolume, secret: { secretName: secret.metadata.name } }] : []),
        ...(liveMap ? [{ name: liveFilesVolume, configMap: { name: liveMapName } }] : []),
      ],
      terminationGracePeriodSeconds: oneShot ? undefined : preStop + stopSeconds,
      restartPolicy: oneShot ? 'Never' : 'Always',
      securityContext: user || volumeGroup ? { ...user, ...volumeGroup } : undefined,
      enableServiceLinks: false,
      imagePullSecrets: args.cluster.imagePullSecrets,
    };
    const template = { metadata: { labels, annotations }, spec: podSpec };
    const metadata = { name, namespace, labels };
    // The workload after what its pods read: a pod started before its Secret exists waits in
    // CreateContainerConfigError, and an env var's secretKeyRef names the Secret by a plain string.
    const readsFrom = [...(configMap ? [configMap] : []), ...(secret ? [secret] : []), ...(liveMap ? [liveMap] : [])];
    const workloadOpts = { ...child, dependsOn: readsFrom };
    const replaceByDeleting = { ...workloadOpts, deleteBeforeReplace: true };

    if (this.kind === 'Deployment') {
      this.workload = new k8s.apps.v1.Deployment(
        d.part,
        {
          metadata,
          spec: {
            replicas: args.replicas,
            selector: { matchLabels: selector },
            template,
            // The default RollingUpdate starts the new pod before the old one stops.
            strategy: d.exclusive ? { type: 'Recreate' } : undefined,
          },
        },
        workloadOpts,
      );
    } else if (this.kind === 'StatefulSet') {
      const size = args.cluster.volumeSize(d.part);
      this.service = this.makeService(d.part, name, namespace, labels, selector, listens, true, child);
      this.workload = new k8s.apps.v1.StatefulSet(
        d.part,
        {
          metadata,
          spec: {
            replicas: 1,
            serviceName: this.service.metadata.name,
            selector: { matchLabels: selector },
            template,
            volumeClaimTemplates: [
              {
                metadata: { name: 'data', labels },
                spec: {
                  accessModes: ['ReadWriteOnce'],
                  storageClassName: args.cluster.storageClass === '' ? undefined : args.cluster.storageClass,
                  resources: { requests: { storage: size } },
                },
              },
            ],
            // Claims stay when the StatefulSet is deleted (a replacement must find its data again);
            // `pulumi destroy` removes the namespace, and the claims with it.
            persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
          },
        },
        // A claim template cannot change in place (the API refuses), and replacing the StatefulSet for a
        // new size would resize nothing: its claims are kept (Retain) and the new pod mounts the same ones.
        // So a changed size changes nothing here: sizes apply to new claims, and an existing claim is
        // grown on the claim itself (README, "Volume sizes").
        { ...replaceByDeleting, ignoreChanges: ['spec.volumeClaimTemplates'] },
      );
    } else if (this.kind === 'Job') {
      if (d.detached) checkRunName(d.naming, d.part);
      // A detached run has a name of its own per content: any change of its pod template is a new Job name.
      const jobName = d.detached
        ? pulumi.unsecret(pulumi.output(template)).apply((resolved) => runName(d.naming, d.part, fingerprint(resolved)))
        : name;
      this.workload = new k8s.batch.v1.Job(
        d.part,
        {
          metadata: {
            ...metadata,
            name: jobName,
            annotations: d.detached
              ? // A detached run (longer than anyone waits at `pulumi up`) is only started.
                { 'pulumi.com/skipAwait': 'true' }
              : // A Job that failed stays failed, and the provider would wait on it again and fail at
                // once: with this its Diff reads the live Job and replaces one that is not complete, so the
                // next `pulumi up` runs it again (pulumi-kubernetes provider.go, Diff; batch/v1 Job docs).
                // Not on a detached run, which is "not complete" while it runs and would be restarted.
                { 'pulumi.com/replaceUnready': 'true' },
          },
          spec: {
            // One attempt, as on Docker: a failure fails `pulumi up` ([BackoffLimitExceeded]) instead of
            // running a migration twice.
            backoffLimit: 0,
            template,
          },
        },
        replaceByDeleting,
      );
    } else {
      this.workload = new k8s.core.v1.Pod(
        d.part,
        {
          metadata: {
            ...metadata,
            annotations: {
              ...annotations,
              // Done when the container has terminated, whatever its exit code: the code is the result.
              'pulumi.com/waitFor': 'jsonpath={.status.containerStatuses[0].state.terminated.exitCode}',
              'pulumi.com/timeoutSeconds': String(d.expectedRunSeconds ? d.expectedRunSeconds + 600 : 1800),
            },
          },
          spec: podSpec,
        },
        // A run proves what its annotations name (k6's subjects): any change of them or of the pod is a
        // new run, as a changed label replaces a Docker container (a pod's annotations alone would update).
        { ...replaceByDeleting, replaceOnChanges: ['metadata.annotations', 'spec'] },
      );
    }

    if (this.kind === 'Deployment' && listens.length > 0) {
      this.service = this.makeService(d.part, name, namespace, labels, selector, listens, false, child);
    }
    if ((d.ports ?? []).length > 0 && !oneShot) {
      this.externalService = new k8s.core.v1.Service(
        `${d.part}-external`,
        {
          metadata: { name: `${name}-external`, namespace, labels },
          spec: {
            type: args.cluster.exposeAs,
            selector,
            ports: (d.ports ?? []).map((port) =>
              args.cluster.exposeAs === 'NodePort'
                ? { name: portName(port.internal), port: port.internal, targetPort: port.internal, nodePort: port.external }
                : { name: portName(port.internal), port: port.external, targetPort: port.internal },
            ),
          },
        },
        child,
      );
    }

    const workload = this.workload as pulumi.CustomResource & { metadata: pulumi.Output<k8s.types.output.meta.v1.ObjectMeta> };
    const ready = this.service
      ? pulumi.all([workload.metadata, this.service.metadata]).apply(([, meta]) => meta.name!)
      : workload.metadata.apply((meta) => meta.name!);
    this.name = ready;
    this.id = workload.metadata.apply((meta) => `${meta.uid ?? meta.name}/${meta.generation ?? 0}`);
    if (this.kind === 'Pod') {
      const terminated = (this.workload as k8s.core.v1.Pod).status.apply((status) => status?.containerStatuses?.[0]?.state?.terminated);
      // The wrapper's report: the program's exit code and its output's tail, whatever the code. Without one
      // (the wrapper itself killed: OOM, eviction) the container's own code, and the kubelet's log fallback.
      const report = terminated.apply((state) => parseRunReport(state?.message));
      this.exitCode = pulumi.all([terminated, report]).apply(([state, found]) => found?.exitCode ?? state?.exitCode);
      this.containerLogs = pulumi
        .all([terminated, report, workload.metadata])
        .apply(([state, found, meta]) => found?.tail ?? (state?.message || `exited ${state?.exitCode ?? '?'}; its output: kubectl logs -n ${meta.namespace} ${meta.name}`));
    } else if (this.kind === 'Job') {
      // The Job's await returns only once it completed; a failed one fails `pulumi up` with its reason.
      this.exitCode = workload.metadata.apply(() => (d.detached ? undefined : 0));
      this.containerLogs = workload.metadata.apply(() => '');
    } else {
      this.exitCode = pulumi.output(undefined);
      this.containerLogs = pulumi.output(undefined);
    }
    this.registerOutputs({ name: this.name });
  }

  private makeService(
    part: string,
    name: string,
    namespace: pulumi.Output<string>,
    labels: Record<string, string>,
    selector: Record<string, string>,
    listens: number[],
    headless: boolean,
    opts: pulumi.CustomResourceOptions,
  ): k8s.core.v1.Service {
    return new k8s.core.v1.Service(
      part,
      {
        metadata: { name, namespace, labels },
        spec: {
          // A StatefulSet's governing Service: its one pod's address, no virtual IP in between.
          clusterIP: headless ? 'None' : undefined,
          selector,
          ports: listens.map((port) => ({ name: portName(port), port, targetPort: port, protocol: 'TCP' })),
        },
      },
      opts,
    );
  }
}

/**
 * Docker's `user` (`uid[:gid]`) as the pod's security context. Kubernetes takes numbers only: a user name
 * resolves inside the image on Docker, but the kubelet cannot look it up.
 */
export function runAs(part: string, user: string | undefined): { runAsUser: number; runAsGroup?: number } | undefined {
  if (user === undefined) return undefined;
  const match = /^(\d+)(?::(\d+))?$/.exec(user);
  if (!match) throw new Error(`${part}: user "${user}" must be numeric (uid or uid:gid) to run on Kubernetes`);
  return { runAsUser: Number(match[1]), ...(match[2] ? { runAsGroup: Number(match[2]) } : {}) };
}

/** A port's name (IANA_SVC_NAME: at most 15 characters, letters, digits, dashes). */
function portName(port: number): string {
  return `tcp-${port}`;
}
