import type * as pulumi from '@pulumi/pulumi';
import type {
  PlatformContainerArgs,
  PlatformPart,
  PlatformReplicas,
  PlatformVolume,
  ReadinessGateArgs,
  ReplicatedArgs,
} from '../container';
import type { Naming } from '../naming';

export const targetKinds = ['docker', 'kubernetes'] as const;
export type TargetKind = (typeof targetKinds)[number];

/** What turns a part's description into resources of one kind of infrastructure. */
export interface PlatformTarget {
  readonly kind: TargetKind;
  container(args: PlatformContainerArgs, opts: pulumi.CustomResourceOptions): PlatformPart;
  replicas(args: ReplicatedArgs, opts: pulumi.CustomResourceOptions): PlatformReplicas;
  volume(naming: Naming, part: string, opts: pulumi.CustomResourceOptions): PlatformVolume;
  requireSuccess(job: PlatformPart, what: string): pulumi.Output<string>;
  readinessGate(args: ReadinessGateArgs, opts: pulumi.CustomResourceOptions): pulumi.Output<string>;
  followLogs(part: PlatformPart): pulumi.Output<string>;
}

let active: PlatformTarget | undefined;

/**
 * The target every component's parts go to. One program builds one platform, so this is set once by
 * buildPlatform before any component exists; Docker when nothing chose (unit tests of one component).
 */
export function useTarget(target: PlatformTarget): void {
  active = target;
}

export function activeTarget(): PlatformTarget {
  if (!active) {
    // Loaded lazily: the Docker target imports the contract module that imports this one.
    active = (require('./docker') as typeof import('./docker')).dockerTarget;
  }
  return active;
}
