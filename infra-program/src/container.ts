import * as pulumi from '@pulumi/pulumi';
import type * as docker from '@pulumi/docker';
import type { ConfigFile } from './config-file';
import type { Naming } from './naming';

/**
 * The contract between the components and the target layer: what one part of the platform is (image,
 * command, env, files, storage, ports, health, networks, shutdown, memory), with nothing that says how a
 * target runs it, and `PlatformTarget`, what a target does with it. `src/targets/docker` turns it into
 * Docker containers, `src/targets/kubernetes` into Deployments, StatefulSets, Jobs, Services, ConfigMaps and
 * Secrets; `src/targets/registry.ts` lists the targets and platform.ts puts the chosen one in place
 * (`useTarget`). Nothing here imports a target.
 */

export { fingerprint } from './fingerprint';

/**
 * Networks segmented by role. A part joins only the ones it needs:
 * - edge: Traefik, the app replicas behind it, and the load generator that comes in through it;
 * - data: Postgres, Redis, their exporters, and the app (internal: no way out of the host);
 * - telemetry: the Collector, Tempo, Loki, Prometheus, Grafana, the object store, and every producer.
 */
export const networkRoles = ['edge', 'data', 'telemetry'] as const;
export type NetworkRole = (typeof networkRoles)[number];

export interface NetworkMembership {
  readonly role: NetworkRole;
  /** The Docker network's name, as containers attach to it (on Kubernetes, the role). */
  readonly name: pulumi.Output<string>;
}

/** Seconds a part gets between SIGTERM and SIGKILL when it says nothing (Docker's own default). */
export const defaultStopTimeoutSeconds = 10;

export interface PublishedPort {
  readonly internal: number;
  /** The port users reach it on: a host port (Docker), a node port or load-balancer port (Kubernetes). */
  readonly external: number;
  readonly bindAddress: string;
}

/** An HTTP endpoint of the part itself that answers 200 when it is ready (or alive). */
export interface HttpCheck {
  readonly port: number;
  readonly path: string;
}

/** A health check, every timing explicit so the wait that follows it can be derived from it. */
export interface HealthCheck {
  /** The command form (Docker's `CMD` / `CMD-SHELL`), run inside the part's own image. */
  readonly tests: string[];
  /**
   * The same check as an HTTP GET, for targets whose agent makes the request itself (a Kubernetes
   * httpGet probe): no process started in the container, no shell or HTTP client needed in the image.
   */
  readonly httpGet?: HttpCheck;
  readonly intervalSeconds: number;
  readonly timeoutSeconds: number;
  readonly retries: number;
  /** Failures in this period do not count; it must cover the part's slowest (first) start. */
  readonly startPeriodSeconds: number;
  /**
   * What says the part is alive, where the check above asks more than that (Prometheus' `/-/ready` fails
   * through a long WAL replay; an exporter's check fails while its database is down). A target that
   * restarts a part whose check fails (Kubernetes' startup and liveness probes) asks this instead; Docker,
   * which never restarts a container for its health, ignores it. Absent: the check itself tests life.
   */
  readonly alive?: LifeCheck;
}

/** A check that passes as long as the process serves at all, whatever it is still waiting for. */
export type LifeCheck = { readonly httpGet: HttpCheck } | { readonly tests: string[] };

export interface LiveFiles {
  /** Absolute; every file's path is directly in it. */
  readonly directory: string;
  readonly files: readonly ConfigFile[];
  /** An image of the graph with /bin/sh, cp and mv (busybox), for a target that writes the files itself. */
  readonly writerImage: pulumi.Input<string>;
}

/** The live files' names in their directory, refusing a file outside it (a programming error). */
export function liveFileNames(live: LiveFiles): string[] {
  const directory = live.directory.replace(/\/+$/, '');
  return live.files.map((file) => {
    const name = file.path.slice(directory.length + 1);
    if (!file.path.startsWith(`${directory}/`) || name.includes('/') || name === '') {
      throw new Error(`live file ${file.path} must be directly in ${live.directory}`);
    }
    return name;
  });
}

export interface PlatformContainerArgs {
  readonly naming: Naming;
  /** The part's short name; its name on the target is `naming.of(part)`, which is also its DNS name. */
  readonly part: string;
  readonly image: pulumi.Input<string>;
  readonly networks: readonly NetworkMembership[];
  readonly command?: pulumi.Input<pulumi.Input<string>[]>;
  readonly entrypoints?: pulumi.Input<pulumi.Input<string>[]>;
  readonly envs?: Record<string, pulumi.Input<string>>;
  readonly configFiles?: readonly ConfigFile[];
  /**
   * Files the part watches and reads again while it runs (flagd's flag file): a change of their content
   * reaches the running part in place and never replaces it, so it keeps its address and its clients'
   * connections. All in `directory`, which the part gets whole and must only read. Docker: a volume that a
   * one-shot writer (`writerImage`, with /bin/sh, cp and mv) fills, each file by a rename over the old one,
   * re-run on every change; Kubernetes: a ConfigMap mounted as the directory (no subPath), which the kubelet
   * updates in place by the same kind of atomic swap. Neither is in what replaces the part.
   */
  readonly liveFiles?: LiveFiles;
  /** Files that are not generated documents (a secret config, scripts): path and content. */
  readonly extraUploads?: pulumi.Input<docker.types.input.ContainerUpload>[];
  readonly volumes?: { readonly volumeName: pulumi.Input<string>; readonly containerPath: string }[];
  /** TCP ports the part's server binds, as the others reach it (a Kubernetes Service exposes exactly these). */
  readonly listens?: readonly number[];
  readonly ports?: readonly PublishedPort[];
  readonly healthcheck?: HealthCheck;
  /**
   * Where the part says it is ready, when that differs from its health check (the app's readiness fails
   * while it drains, its liveness does not) or when its image cannot run a check at all (then
   * `readinessGate` probes the same URL on Docker). Kubernetes makes it the readiness probe.
   */
  readonly readiness?: HttpCheck & {
    /** Seconds one request may take. */
    readonly timeoutSeconds: number;
    /**
     * How long the part may take to answer 200 the first time, when it has no health check whose start
     * period says so (default 180 s, the slowest cold start the Docker gates allow).
     */
    readonly withinSeconds?: number;
  };
  readonly user?: string;
  /**
   * Seconds a stop waits after SIGTERM before SIGKILL: on `docker stop` and, as the provider's destroy
   * grace, on every replacement and destroy (default: Docker's 10); Kubernetes' termination grace.
   */
  readonly stopTimeoutSeconds?: number;
  /**
   * Seconds the part keeps running before it is sent SIGTERM, where routing follows endpoint lists that
   * take a moment to drop a terminating instance (a Kubernetes preStop); Docker, whose routes are fixed,
   * ignores it.
   */
  readonly preStopSeconds?: number;
  /**
   * Hard memory limit in MiB (the provider's `memory` field, which it multiplies by 1024*1024:
   * kreuzwerker resource_docker_container_funcs.go at v4.5.0). Without one, a container may take the
   * whole host, and in-process limiters that read the cgroup (the Collector's memory_limiter in percent,
   * Go's GOMEMLIMIT helpers) read the host's memory instead.
   */
  readonly memoryMb?: number;
  /**
   * What the part needs at rest, MiB, at most its limit: what a scheduler reserves for it (Kubernetes'
   * memory request; Docker reserves nothing and ignores it). Requests equal to the limits would reserve the
   * lab's whole ceiling on one node, and the scheduler places by requests.
   */
  readonly memoryRequestMb?: number;
  /**
   * Never two instances at once, not even while it is replaced: the part acts on shared state by itself
   * (the fault controller re-applies its declaration to Toxiproxy every 2 s), so an old and a new instance
   * side by side would undo each other. Docker replaces every container delete-first anyway; Kubernetes
   * rolls the Deployment with the Recreate strategy.
   */
  readonly exclusive?: boolean;
  /** One-shot job: runs to completion, attached, its exit code and logs read back into the graph. */
  readonly oneShot?: boolean;
  /**
   * With oneShot: start the job and return without waiting for it (for runs longer than anyone waits at
   * `pulumi up`); its result is then read with `docker logs`.
   */
  readonly detached?: boolean;
  /**
   * With oneShot: a non-zero exit is a result the graph reports (k6's verdict), not a failed deployment;
   * the target must bring back the exit code and the tail of the log.
   */
  readonly reportsResult?: boolean;
  /**
   * With oneShot: how long the run is planned to take, so a target waits long enough for its end (Docker:
   * the container's create timeout, which the provider's attach waits within).
   */
  readonly expectedRunSeconds?: number;
  /** Extra labels; a value may be an output, which also orders this part after its source. */
  readonly labels?: Record<string, pulumi.Input<string>>;
}

/**
 * What a target hands back for one part: a resource to depend on, its DNS name (an output that resolves
 * once the part is up, so whoever builds an address from it waits), an identity that changes whenever the
 * part is replaced, and for a one-shot job its exit code and log.
 */
export interface PlatformPart extends pulumi.Resource {
  readonly name: pulumi.Output<string>;
  readonly id: pulumi.Output<string>;
  readonly exitCode: pulumi.Output<number | undefined>;
  readonly containerLogs: pulumi.Output<string | undefined>;
}

/** Storage that outlives the part's replacement. */
export interface PlatformVolume {
  readonly name: pulumi.Output<string>;
}

/** Several identical instances of one part behind one address (the app's replicas). */
export interface ReplicatedArgs extends Omit<PlatformContainerArgs, 'envs' | 'oneShot' | 'detached' | 'reportsResult'> {
  readonly count: number;
  /**
   * The environment of one instance; `instance` is that instance's own id (Docker: `<part>-<n>`;
   * Kubernetes: the pod's name, through the downward API).
   */
  readonly envs: (instance: string) => Record<string, pulumi.Input<string>>;
}

export interface PlatformReplicas {
  /** One entry per address the instances are reached by (Docker: each replica; Kubernetes: its Service). */
  readonly instances: readonly PlatformPart[];
  /** The DNS name of each entry of `instances`, known before they exist (for the router's config). */
  readonly hosts: readonly string[];
}

export interface ReadinessGateArgs {
  readonly naming: Naming;
  /** The probed part's short name; the probe is `<part>-ready`. */
  readonly part: string;
  readonly target: PlatformPart;
  /** The readiness URL as the probe reaches it on `networks`. */
  readonly url: string;
  /** An image of the graph with /bin/sh, wget and date (busybox): the probe pulls nothing new. */
  readonly image: pulumi.Input<string>;
  readonly networks: readonly NetworkMembership[];
  /** How long the part may take to answer 200, from its creation: its cold start on a laptop. */
  readonly timeoutSeconds: number;
}

/** What turns a part's description into resources of one kind of infrastructure. */
export interface PlatformTarget {
  /** The target's name in the registry, as the `target` knob selects it. */
  readonly kind: string;
  container(args: PlatformContainerArgs, opts: pulumi.CustomResourceOptions): PlatformPart;
  replicas(args: ReplicatedArgs, opts: pulumi.CustomResourceOptions): PlatformReplicas;
  volume(naming: Naming, part: string, opts: pulumi.CustomResourceOptions): PlatformVolume;
  requireSuccess(job: PlatformPart, what: string): pulumi.Output<string>;
  readinessGate(args: ReadinessGateArgs, opts: pulumi.CustomResourceOptions): pulumi.Output<string>;
  followLogs(part: PlatformPart): pulumi.Output<string>;
  /** One network role as parts join it, made a child of `parent` where the target has an object for it. */
  network(naming: Naming, role: NetworkRole, internal: boolean, parent: pulumi.Resource): NetworkMembership;
  /** A pinned upstream image as a part runs it (`key` names the image's resource, `name` is what is pulled). */
  pullImage(key: string, name: string, options: { readonly keepLocally: boolean; readonly parent: pulumi.Resource }): pulumi.Output<string>;
  /** An image built from a Dockerfile of the repository, as a part runs it. */
  buildImage(
    name: string,
    args: { readonly imageName: string; readonly context: string; readonly dockerfile: string; readonly keepLocally: boolean },
    opts: pulumi.CustomResourceOptions,
  ): pulumi.Output<string>;
}

let active: PlatformTarget | undefined;

/** Puts the target every part goes to in place. One program builds one platform: buildPlatform sets it first. */
export function useTarget(target: PlatformTarget): void {
  active = target;
}

/** The target in place; a part declared before buildPlatform chose one is a programming error. */
export function activeTarget(): PlatformTarget {
  if (!active) throw new Error('no platform target in place: buildPlatform calls useTarget before any part is declared');
  return active;
}

/**
 * The one way the program makes a part, so every one carries the project and stack in its name and
 * labels, joins only the networks it is given, gets its config files delivered where it reads them, and
 * publishes ports only where configured.
 */
export function platformContainer(args: PlatformContainerArgs, opts: pulumi.CustomResourceOptions): PlatformPart {
  return activeTarget().container(args, opts);
}

/** N instances of one long-running part. */
export function platformReplicas(args: ReplicatedArgs, opts: pulumi.CustomResourceOptions): PlatformReplicas {
  return activeTarget().replicas(args, opts);
}

/** Storage whose name carries project and stack. */
export function platformVolume(naming: Naming, part: string, opts: pulumi.CustomResourceOptions): PlatformVolume {
  return activeTarget().volume(naming, part, opts);
}

/**
 * Fails the deployment when a one-shot job exits non-zero, and otherwise yields a value that a dependent
 * part puts in a label: it then cannot be created before the job has finished, nor after it failed.
 */
export function requireSuccess(job: PlatformPart, what: string): pulumi.Output<string> {
  return activeTarget().requireSuccess(job, what);
}

/** The command that follows a part's log on the target (a detached run's only way to be watched). */
export function followLogs(part: PlatformPart): pulumi.Output<string> {
  return activeTarget().followLogs(part);
}

/**
 * For a part whose image cannot run a health check (no shell, no HTTP client, no health command): resolves
 * once its readiness URL answers 200. The result gates the part's dependents like `requireSuccess`.
 */
export function readinessGate(args: ReadinessGateArgs, opts: pulumi.CustomResourceOptions): pulumi.Output<string> {
  return activeTarget().readinessGate(args, opts);
}
