import * as docker from '@pulumi/docker';
import type * as pulumi from '@pulumi/pulumi';
import type { NetworkMembership, NetworkRole } from '../../container';
import type { Naming } from '../../naming';

/** A network role as a Docker bridge network of its own, named and labelled with project and stack. */
export function dockerNetwork(naming: Naming, role: NetworkRole, internal: boolean, parent: pulumi.Resource): NetworkMembership {
  const network = new docker.Network(
    role,
    {
      name: naming.of(role),
      driver: 'bridge',
      internal,
      labels: [
        { label: 'lab.project', value: naming.project },
        { label: 'lab.stack', value: naming.stack },
        { label: 'lab.network-role', value: role },
      ],
    },
    // A fixed name collides under create-before-delete.
    { parent, deleteBeforeReplace: true },
  );
  return { role, name: network.name };
}
