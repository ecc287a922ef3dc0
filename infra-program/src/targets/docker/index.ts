import type * as pulumi from '@pulumi/pulumi';
import type { PlatformTarget } from '../../container';
import { dockerContainer, dockerReadinessGate, dockerRequireSuccess, dockerVolume, ignoreReportedSwap } from './container';
import { dockerBuildImage, dockerPullImage } from './images';
import { dockerNetwork } from './networks';

/** Every part a container on one Docker host; replicas are containers `<part>-1` … `<part>-N`. */
export const dockerTarget: PlatformTarget = {
  kind: 'docker',
  container: dockerContainer,
  replicas: ({ count, envs, ...description }, opts) => {
    const instances = [];
    const hosts: string[] = [];
    for (let index = 1; index <= count; index++) {
      const part = `${description.part}-${index}`;
      instances.push(dockerContainer({ ...description, part, envs: envs(part) }, opts));
      hosts.push(description.naming.of(part));
    }
    return { instances, hosts };
  },
  volume: dockerVolume,
  requireSuccess: dockerRequireSuccess,
  readinessGate: dockerReadinessGate,
  followLogs: (part) => part.name.apply((name) => `docker logs -f ${name}`),
  network: dockerNetwork,
  pullImage: dockerPullImage,
  buildImage: dockerBuildImage,
};

/** The Docker target for a stack: everything through the lab's Docker provider, which platform.ts makes. */
export function dockerTargetSetup(_naming: unknown, settings: { readonly swapLimit: boolean }, _registryAuth?: unknown) {
  return {
    target: dockerTarget,
    providers: [] as pulumi.ProviderResource[],
    // Where the host enforces no swap limit, the provider reads back a memorySwap the program never set.
    transformations: settings.swapLimit ? [] : [ignoreReportedSwap],
    finish: <Urls>(urls: Urls) => urls,
  };
}
