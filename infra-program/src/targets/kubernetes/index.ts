import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import type { RegistryAuth } from '../../docker-provider';
import type { Naming } from '../../naming';
import type { KubernetesTargetSettings } from './settings';
import { networkPolicies } from './network-policies';
import { KubernetesTarget } from './target';

export { KubernetesTarget } from './target';

const providers = new WeakMap<KubernetesTarget, k8s.Provider>();

/**
 * The target for one stack. Its provider talks to the cluster of the current kubeconfig context (the
 * provider's default when no kubeconfig is given), as `kubectl` does. With a Docker Hub login
 * (`dockerHubUser`/`dockerHubToken`) the nodes pull with it, as the Docker provider does.
 */
export function kubernetesTarget(naming: Naming, settings: KubernetesTargetSettings, dockerHub?: RegistryAuth): KubernetesTarget {
  const provider = new k8s.Provider('kubernetes', {});
  const target = new KubernetesTarget(
    'kubernetes',
    {
      naming,
      storageClass: settings.kubernetesStorageClass,
      volumeSizes: settings.kubernetesVolumeSizes,
      exposeAs: settings.kubernetesServiceType,
      imageRegistry: settings.kubernetesImageRegistry,
      dockerHub,
      appScaling: settings.autoscaling
        ? { minReplicas: settings.autoscalingMinReplicas, maxReplicas: settings.autoscalingMaxReplicas, cpuPercent: settings.autoscalingCpuPercent }
        : { replicas: settings.replicas },
    },
    { providers: [provider] },
  );
  providers.set(target, provider);
  return target;
}

export function kubernetesProvider(target: KubernetesTarget): k8s.Provider {
  const provider = providers.get(target);
  if (!provider) throw new Error('a Kubernetes target made outside kubernetesTarget() has no provider');
  return provider;
}

export interface PublishedUrls {
  readonly appUrl: string;
  readonly grafanaUrl: string;
  readonly prometheusUrl: string;
  readonly alertmanagerUrl: string;
  readonly traefikDashboardUrl: string;
  readonly minioConsoleUrl: string;
}

/**
 * After every part is declared: the NetworkPolicies made from their networks and ports, and the URLs as
 * the user's machine reaches them. With NodePort the components already built them from the node address
 * and node ports; a load balancer's address is known only once the cluster gave it one.
 */
export function finishOnKubernetes(
  target: KubernetesTarget,
  settings: KubernetesTargetSettings,
  urls: PublishedUrls,
): Record<keyof PublishedUrls, pulumi.Input<string>> {
  networkPolicies(
    { naming: target.naming, namespace: target.namespaceName, parts: target.networking },
    { parent: target, provider: kubernetesProvider(target) },
  );
  if (settings.kubernetesServiceType === 'NodePort') return urls;
  const at = (part: string, port: number, path = '') => pulumi.interpolate`http://${target.externalAddress(part)}:${port}${path}`;
  return {
    // Traefik routes by Host: point appHost and minioConsoleHost at the load balancer's address (hosts file
    // or DNS); the URLs keep the names and take the load balancer's port.
    appUrl: `http://${settings.appHost}:${settings.appPort}`,
    minioConsoleUrl: `http://${settings.minioConsoleHost}:${settings.appPort}`,
    traefikDashboardUrl: at('traefik', settings.traefikDashboardPort, '/dashboard/'),
    grafanaUrl: at('grafana', settings.grafanaPort),
    prometheusUrl: at('prometheus', settings.prometheusPort),
    alertmanagerUrl: at('alertmanager', settings.alertmanagerPort),
  };
}

/**
 * The Kubernetes target for a stack: its parts through the cluster's provider (the lab's Docker provider,
 * which platform.ts makes, only builds and pushes the service image); once every part is declared, the
 * NetworkPolicies and the URLs as the user's machine reaches them.
 */
export function kubernetesTargetSetup(naming: Naming, settings: KubernetesTargetSettings, registryAuth?: RegistryAuth) {
  const target = kubernetesTarget(naming, settings, registryAuth);
  return {
    target,
    providers: [kubernetesProvider(target)] as pulumi.ProviderResource[],
    transformations: [] as pulumi.ResourceTransformation[],
    finish: (urls: PublishedUrls) => finishOnKubernetes(target, settings, urls),
  };
}
