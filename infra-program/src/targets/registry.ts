/**
 * The targets the program can stand the platform up on, by the name the `target` knob takes. A new target
 * is a folder beside these that implements `PlatformTarget` (container.ts) and one line here.
 */
import { dockerTargetSetup } from './docker';
import { kubernetesTargetSetup } from './kubernetes';

export const targetRegistry = {
  docker: dockerTargetSetup,
  kubernetes: kubernetesTargetSetup,
} as const;

export type TargetKind = keyof typeof targetRegistry;
export const targetKinds = Object.keys(targetRegistry) as readonly TargetKind[];
