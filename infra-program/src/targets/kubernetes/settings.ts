/** The stack config the Kubernetes target reads (a part of the program's settings, declared here so the target needs nothing above it). */
export const kubernetesServiceTypes = ['NodePort', 'LoadBalancer'] as const;
export type KubernetesServiceType = (typeof kubernetesServiceTypes)[number];

/** One volume size override: the stateful part it belongs to and a Kubernetes quantity (`10Gi`). */
export interface VolumeSize {
  readonly part: string;
  readonly size: string;
}

export interface KubernetesTargetSettings {
  readonly replicas: number;
  readonly kubernetesServiceType: KubernetesServiceType;
  readonly kubernetesStorageClass: string;
  readonly kubernetesVolumeSizes: readonly VolumeSize[];
  readonly kubernetesImageRegistry: string;
  readonly autoscaling: boolean;
  readonly autoscalingMinReplicas: number;
  readonly autoscalingMaxReplicas: number;
  readonly autoscalingCpuPercent: number;
  readonly appHost: string;
  readonly appPort: number;
  readonly minioConsoleHost: string;
  readonly traefikDashboardPort: number;
  readonly grafanaPort: number;
  readonly prometheusPort: number;
  readonly alertmanagerPort: number;
}
