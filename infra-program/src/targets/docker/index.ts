import type { PlatformTarget } from '../active';
import { dockerContainer, dockerReadinessGate, dockerRequireSuccess, dockerVolume } from './container';

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
};
