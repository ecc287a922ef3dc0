import * as docker from '@pulumi/docker';
import * as pulumi from '@pulumi/pulumi';
import type { Naming } from './naming';
import type { TargetKind } from './targets/active';

/**
 * Networks segmented by role. A container joins only the ones it needs:
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

export class PlatformNetworks extends pulumi.ComponentResource {
  readonly edge: NetworkMembership;
  readonly data: NetworkMembership;
  readonly telemetry: NetworkMembership;

  constructor(name: string, args: { naming: Naming; target?: TargetKind }, opts?: pulumi.ComponentResourceOptions) {
    super('lab:platform:Networks', name, {}, opts);
    const create = (role: NetworkRole, internal: boolean): NetworkMembership => {
      // On Kubernetes a role is not an object: the pods share the cluster network, and NetworkPolicies
      // made from each part's roles (targets/kubernetes/network-policies.ts) allow what a Docker network would.
      if (args.target === 'kubernetes') return { role, name: pulumi.output(role) };
      const network = new docker.Network(
        role,
        {
          name: args.naming.of(role),
          driver: 'bridge',
          internal,
          labels: [
            { label: 'lab.project', value: args.naming.project },
            { label: 'lab.stack', value: args.naming.stack },
            { label: 'lab.network-role', value: role },
          ],
        },
        // A fixed name collides under create-before-delete.
        { parent: this, deleteBeforeReplace: true },
      );
      return { role, name: network.name };
    };
    this.edge = create('edge', false);
    this.data = create('data', true);
    this.telemetry = create('telemetry', false);
    this.registerOutputs({ edge: this.edge.name, data: this.data.name, telemetry: this.telemetry.name });
  }

  pick(...roles: NetworkRole[]): NetworkMembership[] {
    return roles.map((role) => this[role]);
  }
}
