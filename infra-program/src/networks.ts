import * as pulumi from '@pulumi/pulumi';
import { activeTarget, type NetworkMembership, type NetworkRole } from './container';
import type { Naming } from './naming';

export { networkRoles, type NetworkMembership, type NetworkRole } from './container';

/** The three network roles (container.ts says who joins which), each made by the target in place. */
export class PlatformNetworks extends pulumi.ComponentResource {
  readonly edge: NetworkMembership;
  readonly data: NetworkMembership;
  readonly telemetry: NetworkMembership;

  constructor(name: string, args: { naming: Naming }, opts?: pulumi.ComponentResourceOptions) {
    super('lab:platform:Networks', name, {}, opts);
    const target = activeTarget();
    const create = (role: NetworkRole, internal: boolean): NetworkMembership => target.network(args.naming, role, internal, this);
    this.edge = create('edge', false);
    this.data = create('data', true);
    this.telemetry = create('telemetry', false);
    this.registerOutputs({ edge: this.edge.name, data: this.data.name, telemetry: this.telemetry.name });
  }

  pick(...roles: NetworkRole[]): NetworkMembership[] {
    return roles.map((role) => this[role]);
  }
}
