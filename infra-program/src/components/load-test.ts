import * as pulumi from '@pulumi/pulumi';
import { k6Invocation, k6ScriptDir, k6Scripts, plannedDurationSeconds, scenarioParams, type ScenarioName } from '@lab/load';
import { fingerprint, followLogs, platformContainer } from '../container';
import { httpUrl, type Endpoint } from '../endpoint';
import type { PlatformImages } from '../images';
import type { Naming } from '../naming';
import type { PlatformNetworks } from '../networks';

export interface LoadTestArgs {
  readonly naming: Naming;
  readonly networks: PlatformNetworks;
  readonly images: PlatformImages;
  readonly scenario: ScenarioName;
  readonly params: Readonly<Record<string, string>>;
  readonly traefikWeb: Endpoint;
  readonly appHost: string;
  /** The app's OTEL_SERVICE_NAME, for scenarios that look its telemetry up. */
  readonly serviceName: string;
  readonly tempoHttp: Endpoint;
  readonly lokiHttp: Endpoint;
  readonly prometheusHttp: Endpoint;
  readonly prometheusRemoteWriteUrl: string;
  /** What the run proves: when any of these is replaced, the run is stale and runs again. */
  readonly proves: LoadTestSubjects;
  /** Longest planned run `pulumi up` waits for (`k6AttachedMaxMinutes`); a longer one starts detached. */
  readonly attachedMaxSeconds: number;
}

/** The identities a load test's verdict is about. */
export interface LoadTestSubjects {
  /** The service image's id (a rebuild changes it). */
  readonly serviceImageId: pulumi.Input<string>;
  /** The replicas' container ids (a replacement, or another replica count, changes them). */
  readonly replicaIds: readonly pulumi.Input<string>[];
  /** Traefik's container id (a new route or image replaces it). */
  readonly traefikId: pulumi.Input<string>;
}

/**
 * The label value that ties a run to what it proves. `dependsOn` only orders the first creation; labels
 * are ForceNew, so a change of any of these ids replaces the k6 container and so runs k6 again, and
 * k6Result never describes a service that is no longer there.
 */
export function subjectsFingerprint(subjects: LoadTestSubjects): pulumi.Output<string> {
  return pulumi
    .all([subjects.serviceImageId, pulumi.all([...subjects.replicaIds]), subjects.traefikId])
    .apply(([image, replicas, traefik]) => fingerprint([image, ...replicas, traefik]));
}

export interface LoadTestResult {
  readonly scenario: ScenarioName;
  /** Null for a detached run: `pulumi up` returned while k6 was still running. */
  readonly exitCode: number | null;
  readonly passed: boolean | null;
  /** The tail of k6's output: its end-of-test summary, or how to follow a detached run. */
  readonly summary: string;
  readonly plannedSeconds: number;
}


/** k6's memory limit, MiB: about 2 MiB per VU for these scripts, and the spike scenario allows 400. */
export const k6MemoryMb = 1024;
/**
 * What it holds at rest, MiB: k6 with the smoke run's few VUs; a heavier scenario grows towards the limit. The Kubernetes scheduler reserves this much (an estimate, not
 * measured here); the limit above still caps it.
 */
export const k6MemoryRequestMb = 256;

/**
 * Runs one k6 scenario against Traefik from inside the Docker network, attached, so its exit code and
 * summary come back as outputs. Any change of scenario, parameter or script, and any replacement of what
 * it proves (`proves`), replaces the container and so runs it again.
 */
export class LoadTest extends pulumi.ComponentResource {
  readonly result: pulumi.Output<LoadTestResult>;

  constructor(name: string, args: LoadTestArgs, opts?: pulumi.ComponentResourceOptions) {
    super('lab:platform:LoadTest', name, {}, opts);
    const params = { ...defaultParams(args.scenario, args.serviceName), ...args.params };
    const plannedSeconds = plannedDurationSeconds(args.scenario, params);
    // Attached, `pulumi up` waits for the run's end, however long (the target sizes its create timeout from
    // the plan); over the limit the user set, it only starts the run.
    const detached = plannedSeconds > args.attachedMaxSeconds;
    const invocation = k6Invocation({
      scenario: args.scenario,
      targetUrl: httpUrl(args.traefikWeb),
      hostHeader: args.appHost,
      tempoUrl: httpUrl(args.tempoHttp),
      lokiUrl: httpUrl(args.lokiHttp),
      prometheusUrl: httpUrl(args.prometheusHttp),
      prometheusRemoteWriteUrl: args.prometheusRemoteWriteUrl,
      params,
    });
    const scripts = k6Scripts().map((script) => {
      if (script.path.startsWith('/') || script.path.split('/').includes('..')) {
        throw new Error(`k6 script path "${script.path}" must be relative to ${k6ScriptDir}`);
      }
      return { file: `${k6ScriptDir}/${script.path}`, content: script.content };
    });
    const container = platformContainer(
      {
        naming: args.naming,
        part: 'k6',
        image: args.images.pull('k6'),
        // The image's own ENTRYPOINT, named: a target may run it from a wrapper (Kubernetes reports the result).
        entrypoints: ['k6'],
        memoryMb: k6MemoryMb,
        memoryRequestMb: k6MemoryRequestMb,
        networks: args.networks.pick('edge', 'telemetry'),
        command: invocation.command,
        envs: invocation.env,
        extraUploads: scripts,
        labels: { 'lab.k6.scenario': args.scenario, [k6SubjectsLabel]: subjectsFingerprint(args.proves) },
        oneShot: true,
        detached,
        reportsResult: true,
        expectedRunSeconds: plannedSeconds,
      },
      { parent: this },
    );
    this.result = pulumi.all([followLogs(container), container.exitCode, container.containerLogs]).apply(([follow, exitCode, logs]) =>
      detached
        ? {
            scenario: args.scenario,
            exitCode: null,
            passed: null,
            summary: `running detached (planned ${Math.round(plannedSeconds / 60)} min, over k6AttachedMaxMinutes, ${args.attachedMaxSeconds / 60}): ${follow}`,
            plannedSeconds,
          }
        : {
            scenario: args.scenario,
            exitCode: exitCode ?? null,
            passed: exitCode === 0,
            summary: summaryOf(logs ?? ''),
            plannedSeconds,
          },
    );
    this.registerOutputs({ result: this.result });
  }
}

export const k6SubjectsLabel = 'lab.k6.proves';

/** Parameters the program knows better than a default in the script: which service to look for. */
function defaultParams(scenario: ScenarioName, serviceName: string): Record<string, string> {
  const accepted: readonly string[] = scenarioParams[scenario];
  return accepted.includes('SERVICE_NAME') ? { SERVICE_NAME: serviceName } : {};
}

/** k6 prints its summary last; keep the tail so the stack output stays readable. */
export function summaryOf(logs: string, maxLines = 60): string {
  const lines = logs.replace(/\r/g, '').trimEnd().split('\n');
  return lines.slice(-maxLines).join('\n');
}
