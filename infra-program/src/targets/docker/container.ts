import * as docker from '@pulumi/docker';
import * as pulumi from '@pulumi/pulumi';
import { fingerprint } from '../../fingerprint';
import { goDuration } from '../../go-duration';
import { defaultStopTimeoutSeconds, type HealthCheck, type PlatformContainerArgs, type PlatformPart, type ReadinessGateArgs } from '../../container';
import type { Naming } from '../../naming';
import { dockerLiveFiles } from './live-files';

/**
 * The one way the program makes a container, so every one carries the project and stack in its name
 * and labels, joins only the networks it is given, gets its config files as uploads, and publishes ports
 * only on the configured address.
 */
export function dockerContainer(
  args: PlatformContainerArgs,
  opts: pulumi.CustomResourceOptions,
): docker.Container {
  const healthcheck = args.healthcheck ? dockerHealthcheck(args.healthcheck) : undefined;
  const labels: Record<string, pulumi.Input<string>> = {
    'lab.project': args.naming.project,
    'lab.stack': args.naming.stack,
    'lab.part': args.part,
    ...(healthcheck ? { [healthcheckLabel]: healthcheckSha256(healthcheck) } : {}),
    ...Object.fromEntries((args.configFiles ?? []).map((file) => [`lab.config${file.path.replaceAll("/", ".")}`, file.sha256])),
    ...args.labels,
  };
  const envs = Object.entries(args.envs ?? {}).map(([name, value]) => pulumi.interpolate`${name}=${value}`);
  const oneShot = args.oneShot === true;
  const attached = oneShot && args.detached !== true;
  // The provider's delete stops a container with a timeout of 0 (SIGKILL at once, overriding its own stop
  // timeout) unless destroyGraceSeconds is set; an attached job is not stopped at all (it has exited).
  const stopSeconds = attached ? undefined : (args.stopTimeoutSeconds ?? dockerDefaultStopSeconds);
  const waited = !oneShot && args.healthcheck !== undefined;
  const live = dockerLiveFiles(args, opts, { volume: (part) => dockerVolume(args.naming, part, opts), container: dockerContainer });
  if (live) {
    // A writer that failed leaves the part with old files or none: the deployment fails with its log. Its
    // name is never one of the part's inputs (that would replace the part whenever the writer is).
    void dockerRequireSuccess(live.writer as docker.Container, `writing the live files of ${args.part}`);
  }
  const volumes = [...(args.volumes ?? []), ...(live ? [live.mount] : [])];
  return new docker.Container(
    args.part,
    {
      name: args.naming.of(args.part),
      image: args.image,
      command: args.command,
      entrypoints: args.entrypoints,
      envs,
      user: args.user,
      memory: args.memoryMb,
      // Docker stores MemorySwap = 2 x Memory when none is given, and the provider reads it back into
      // memory_swap, which is Optional but not Computed: a diff on every run. Equal to the limit, it is
      // what Docker stores, and the limit is real (no swap on top). Hosts without swap accounting store -1
      // whatever is sent; with `swapLimit: false` the field is ignored there (ignoreReportedSwap).
      memorySwap: args.memoryMb,
      stopTimeout: stopSeconds,
      destroyGraceSeconds: stopSeconds,
      networksAdvanced: args.networks.map((network) => ({ name: network.name })),
      uploads: [...(args.configFiles ?? []).map((file) => file.upload()), ...(args.extraUploads ?? [])],
      volumes: volumes.length > 0 ? volumes.map((volume) => ({ ...volume })) : undefined,
      ports: args.ports?.map((port) => ({ internal: port.internal, external: port.external, ip: port.bindAddress })),
      healthcheck,
      // During the start period failures do not count and a success makes the container healthy at once:
      // the start period is what absorbs a slow first boot (a database migration, a ring joining).
      labels: Object.entries(labels).map(([label, value]) => ({ label, value })),
      restart: oneShot ? 'no' : 'unless-stopped',
      // Long-running parts wait until healthy, so whatever depends on them starts against a live server.
      // The provider's wait ends only at "healthy" or its timeout, so the timeout covers the whole time
      // Docker gives the check before calling the container unhealthy.
      wait: waited,
      waitTimeout: waited ? healthWaitSeconds(args.healthcheck!) : undefined,
      mustRun: !oneShot,
      attach: attached,
      logs: attached,
      rm: false,
    },
    // Fixed names and host ports collide under create-before-delete; replace by deleting first.
    {
      deleteBeforeReplace: true,
      ...(oneShot ? {} : replaceAfterFailedCreate),
      ...(attached && args.expectedRunSeconds !== undefined ? { customTimeouts: { create: attachedCreateTimeout(args.expectedRunSeconds) } } : {}),
      ...opts,
      // Created after the live files' first write; ordered only, so the writer's replacement replaces nothing here.
      ...(live ? { dependsOn: [...dependencyList(opts.dependsOn), live.writer] } : {}),
    },
  );
}

function dependencyList(dependsOn: pulumi.CustomResourceOptions['dependsOn']): pulumi.Input<pulumi.Resource>[] {
  if (dependsOn === undefined) return [];
  if (Array.isArray(dependsOn)) return dependsOn;
  if (pulumi.Resource.isInstance(dependsOn)) return [dependsOn];
  throw new Error('a part with live files takes dependsOn as a resource or a list of them');
}

/**
 * A long-running container whose creation failed after Docker gave it an id (its health wait timed out,
 * it exited at start) is recorded with an initialization error; a plain re-run would then only update it
 * in place, which for unchanged inputs does nothing, and it would stay broken. With this, the next
 * `pulumi up` replaces it instead (pulumi/pulumi step_generator.go, applyReplaceOnChanges: a
 * replaceOnChanges path containing `#initerror` turns an init error into a replacement), so its
 * dependents are created only against a working part.
 */
export const replaceAfterFailedCreate: pulumi.CustomResourceOptions = { replaceOnChanges: ['#initerror'] };

/**
 * For a Docker host without swap accounting (`docker info -f '{{.SwapLimit}}'` prints false): Docker
 * stores MemorySwap -1 whatever is sent (moby daemon_unix.go, verifyPlatformContainerResources), so the
 * field is ignored in diffs there. Only there: on a host that honours it, an ignored memorySwap would keep
 * its old value when a memory limit is raised, and Docker refuses a swap limit below the memory limit.
 */
export const ignoreReportedSwap: pulumi.ResourceTransformation = (args) =>
  args.type === 'docker:index/container:Container'
    ? { props: args.props, opts: pulumi.mergeOptions(args.opts, { ignoreChanges: ['memorySwap'] }) }
    : undefined;

/** The health check as the provider takes it, each duration in the form its Read writes back. */
export interface DockerHealthcheck {
  readonly tests: string[];
  readonly interval: string;
  readonly timeout: string;
  readonly startPeriod: string;
  readonly retries: number;
}

export function dockerHealthcheck(check: HealthCheck): DockerHealthcheck {
  return {
    tests: check.tests,
    interval: goDuration(check.intervalSeconds),
    timeout: goDuration(check.timeoutSeconds),
    startPeriod: goDuration(check.startPeriodSeconds),
    retries: check.retries,
  };
}

/**
 * The label that carries a hash of the container's health check. The provider neither replaces a
 * container when its healthcheck changes nor sends the change on update (kreuzwerker v4.5.0: healthcheck
 * is not ForceNew, and resourceDockerContainerUpdate ignores it), so a changed check would never reach
 * Docker; labels are ForceNew, so through this one a changed check replaces the container.
 */
export const healthcheckLabel = 'lab.healthcheck.sha256';

export function healthcheckSha256(check: DockerHealthcheck): string {
  const canonical = { tests: check.tests, interval: check.interval, timeout: check.timeout, startPeriod: check.startPeriod, retries: check.retries };
  return fingerprint(canonical);
}

/**
 * How long the provider waits for "healthy": the start period, then every retry running to its timeout,
 * plus a margin. Docker marks the container unhealthy at about that point; waiting less would fail a
 * part that is still within what its own health check allows.
 */
export function healthWaitSeconds(check: HealthCheck): number {
  const perTry = check.intervalSeconds + check.timeoutSeconds;
  return Math.ceil(check.startPeriodSeconds + check.retries * perTry + 15);
}

/**
 * The provider's create timeout for docker_container (kreuzwerker v4.5.0 resource_docker_container.go,
 * dockerContainerCreateDefaultTimeout). An attached container is waited for inside create (ContainerWait
 * on the create context), so a run longer than this fails `pulumi up` with its result lost.
 */
export const providerCreateTimeoutSeconds = 20 * 60;

/** Slack after a run's planned end: image start, k6's setup polling, the summary, teardown. */
export const attachedRunMarginSeconds = 10 * 60;

/**
 * The create timeout an attached one-shot job gets (Pulumi `customTimeouts.create`, which the bridge hands
 * the provider as its Create timeout): its planned length plus a margin, never below the provider's own.
 */
export function attachedCreateTimeout(expectedRunSeconds: number): string {
  return goDuration(Math.max(providerCreateTimeoutSeconds, Math.ceil(expectedRunSeconds) + attachedRunMarginSeconds));
}

/** Docker's own stop timeout, used where a part has no longer shutdown. */
export const dockerDefaultStopSeconds = defaultStopTimeoutSeconds;

/** A named volume whose name carries project and stack. */
export function dockerVolume(naming: Naming, part: string, opts: pulumi.CustomResourceOptions): docker.Volume {
  return new docker.Volume(
    `${part}-data`,
    {
      name: naming.of(`${part}-data`),
      labels: [
        { label: 'lab.project', value: naming.project },
        { label: 'lab.stack', value: naming.stack },
      ],
    },
    // A fixed name collides under create-before-delete.
    { deleteBeforeReplace: true, ...opts },
  );
}

/**
 * Fails the deployment when a one-shot job exits non-zero, and otherwise yields a value that a dependent
 * container puts in a label: it then cannot be created before the job has finished, nor after it failed.
 */
export function dockerRequireSuccess(job: PlatformPart, what: string): pulumi.Output<string> {
  return pulumi
    .all([job.name, job.exitCode, job.containerLogs, job.urn])
    .apply(([name, exitCode, logs, urn]) => assertJobSucceeded(what, name, exitCode, logs, urn));
}

/** The check behind `requireSuccess`: a one-shot job's name when it exited 0, else an error with its logs. */
export function assertJobSucceeded(what: string, name: string, exitCode: number | undefined, logs: string | undefined, urn?: string): string {
  if (exitCode !== undefined && exitCode !== null && exitCode !== 0) {
    // The failed job stays in the state with unchanged inputs, so a plain re-run would not run it again.
    const rerun = urn ? `\nOnce the cause is fixed, run it again with: pulumi up --replace '${urn}'` : '';
    throw new Error(`${what} (${name}) exited with code ${exitCode}:\n${logs ?? ''}${rerun}`);
  }
  return name;
}

/**
 * For a part whose image cannot run a Docker health check (no shell, no HTTP client, no health command):
 * a one-shot probe polls its readiness URL until it answers 200 or the time is up. The result gates the
 * part's dependents like `requireSuccess`; on failure `pulumi up` fails with the part's name and the
 * last lines of its own log. The probe carries the part's container id, so replacing the part (a config
 * change, or `pulumi up --replace`) runs it again.
 */
export function dockerReadinessGate(args: ReadinessGateArgs, opts: pulumi.CustomResourceOptions): pulumi.Output<string> {
  const poll = [
    'deadline=$(( $(date +%s) + READY_TIMEOUT ))',
    'until wget -q -T 3 -O /dev/null "$READY_URL"; do',
    '  if [ "$(date +%s)" -ge "$deadline" ]; then echo "$READY_URL did not answer 200 within $READY_TIMEOUT s"; exit 1; fi',
    '  sleep 2',
    'done',
    'echo "$READY_URL is ready"',
  ].join('\n');
  const probe = dockerContainer(
    {
      naming: args.naming,
      part: `${args.part}-ready`,
      image: args.image,
      networks: args.networks,
      entrypoints: ['/bin/sh', '-c'],
      command: [poll],
      envs: { READY_URL: args.url, READY_TIMEOUT: String(args.timeoutSeconds) },
      labels: { 'lab.probes': args.target.id },
      // busybox sh and wget: a few MiB.
      memoryMb: 32,
      oneShot: true,
    },
    { ...opts, dependsOn: [args.target] },
  );
  return pulumi
    .all([probe.exitCode, probe.containerLogs, args.target.name, args.target.urn])
    .apply(async ([exitCode, probeLogs, name, urn]) => {
      if (exitCode === 0 || exitCode === undefined || exitCode === null) return name;
      const lastLines = await docker
        .getLogs(
          { name, tail: '40', showStdout: true, showStderr: true, logsListStringEnabled: true, discardHeaders: true },
          { parent: args.target },
        )
        .then(
          (logs) => logs.logsListStrings ?? [],
          // The probe's verdict stands even when the log cannot be read (the container is already gone).
          (error: unknown) => [`(its log could not be read: ${String(error)})`],
        );
      throw new Error(notReadyMessage(args.part, name, probeLogs ?? '', lastLines, urn));
    });
}

/** What `pulumi up` says when a probed part never became ready. */
export function notReadyMessage(part: string, name: string, probeLogs: string, lastLines: readonly string[], urn: string): string {
  return [
    `${part} (${name}) did not become ready: ${probeLogs.trim()}`,
    `Its last log lines:`,
    ...lastLines.map((line) => `  ${line.trimEnd()}`),
    `Once the cause is fixed, recreate it (its readiness probe runs again with it): pulumi up --replace '${urn}'`,
  ].join('\n');
}
