/**
 * The Kubernetes NetworkPolicies open exactly the edges the graph declares. The parts, their networks and
 * listening ports are read off the program's graph (as the edges test reads them), the policies are
 * evaluated by the NetworkPolicy rules (netpol-oracle.ts), and every pair of parts on every port is checked.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import * as pulumi from '@pulumi/pulumi';
import { networkRoles, type NetworkRole } from '../src/networks';
import { clusterDns, declaredEdges, networkPolicies, policySpecs, type PartNetworking } from '../src/targets/kubernetes/network-policies';
import { naming as makeNaming } from '../src/naming';
import { containers, listenPorts, references, unwrap, type ContainerView } from './graph';
import { project, runProgram } from './harness';
import { allowed, type Pod, type PolicyObject } from './netpol-oracle';
import type { RegisteredResource } from './k8s-schema';

const namespace = 'observability-lab-dev';

/** The parts as the Docker graph declares them: memberships from the attached networks, ports from each server's own config. */
function partsOf(views: ContainerView[], stack: string): PartNetworking[] {
  const roleOf = new Map<string, NetworkRole>(networkRoles.map((role) => [makeNaming(project, stack).of(role), role]));
  return views.map((view) => ({
    part: view.labels['lab.part']!,
    podLabels: { 'lab.part': view.labels['lab.part']! },
    networks: view.networks.map((network) => roleOf.get(network)!),
    listens: listenPorts(view).map((port) => ({ port })),
    published: view.ports.map((port) => port.internal),
  }));
}

function podOf(part: PartNetworking): Pod {
  return { part: part.part, namespace, labels: part.podLabels };
}

describe('network policies', () => {
  let views: ContainerView[];
  let parts: PartNetworking[];
  let policies: PolicyObject[];
  let registered: RegisteredResource[];

  before(async () => {
    views = containers((await runProgram({ stack: 'dev', config: { replicas: '2' } })).resources);
    parts = partsOf(views, 'dev');
    // The component under mocks, to read the policies as the provider would receive them.
    const resources: RegisteredResource[] = [];
    pulumi.runtime.setMocks(
      {
        newResource: async (args) => {
          resources.push({ type: args.type, name: args.name, custom: args.custom ?? true, inputs: args.inputs });
          return { id: `${args.name}-id`, state: args.inputs };
        },
        call: (args) => args.inputs,
      },
      project,
      'dev',
      false,
    );
    networkPolicies({ naming: makeNaming(project, 'dev'), namespace, parts }, {});
    await new Promise((resolve) => setTimeout(resolve, 200));
    registered = resources.filter((r) => r.type === 'kubernetes:networking.k8s.io/v1:NetworkPolicy');
    policies = registered.map((r) => ({ namespace: unwrap(r.inputs).metadata.namespace, spec: unwrap(r.inputs).spec }));
  });

  test('one NetworkPolicy per part plus deny-all and DNS, in the stack namespace, named and labelled with project and stack', () => {
    assert.equal(registered.length, parts.length + 2);
    for (const r of registered) {
      const metadata = unwrap(r.inputs).metadata;
      assert.equal(metadata.namespace, namespace);
      assert.ok(metadata.name.startsWith(`${project}-dev-`), metadata.name);
      assert.equal(metadata.labels['lab.project'], project);
      assert.equal(metadata.labels['lab.stack'], 'dev');
      assert.equal(unwrap(r.inputs).apiVersion, 'networking.k8s.io/v1');
    }
  });

  test('every pair of parts, on every port any part binds: allowed exactly when they share a network and the target listens there', () => {
    const ports = [...new Set([...parts.flatMap((p) => p.listens.map((l) => l.port)), 22, 80, 443])];
    let open = 0;
    for (const from of parts) {
      for (const to of parts) {
        for (const port of ports) {
          const shared = from.networks.some((n) => to.networks.includes(n));
          const expected = shared && to.listens.some((l) => l.port === port);
          assert.equal(allowed(policies, podOf(from), podOf(to), port), expected, `${from.part} -> ${to.part}:${port}`);
          if (expected) open += 1;
        }
        // Nothing the lab runs speaks UDP to another part.
        for (const l of to.listens) assert.equal(allowed(policies, podOf(from), podOf(to), l.port, 'UDP'), false, `${from.part} -> ${to.part}:${l.port}/UDP`);
      }
    }
    assert.equal(open, declaredEdges(parts).length);
  });

  test('every address a part is configured to reach is allowed', () => {
    const refs = references(views);
    assert.ok(refs.length > 30);
    const partByName = new Map(views.map((v) => [v.name, v.labels['lab.part']!]));
    const pod = (part: string) => podOf(parts.find((p) => p.part === part)!);
    for (const ref of refs) {
      const to = partByName.get(ref.host)!;
      assert.ok(allowed(policies, pod(ref.from.labels['lab.part']!), pod(to), ref.port), `${ref.from.labels['lab.part']} -> ${to}:${ref.port} (${ref.where})`);
    }
  });

  test('a part off the data network reaches neither Postgres nor Redis; the app and the exporters do', () => {
    const pod = (part: string) => podOf(parts.find((p) => p.part === part)!);
    for (const outsider of ['traefik', 'k6', 'grafana', 'otel-collector', 'prometheus', 'minio', 'loki', 'tempo']) {
      assert.equal(allowed(policies, pod(outsider), pod('postgres'), 5432), false, `${outsider} -> postgres`);
      assert.equal(allowed(policies, pod(outsider), pod('redis'), 6379), false, `${outsider} -> redis`);
    }
    assert.ok(allowed(policies, pod('shop-api-1'), pod('postgres'), 5432));
    assert.ok(allowed(policies, pod('postgres-exporter'), pod('postgres'), 5432));
    assert.ok(allowed(policies, pod('redis-exporter'), pod('redis'), 6379));
    // Postgres and Redis start no connection to anyone (no data part is on telemetry).
    assert.equal(allowed(policies, pod('postgres'), pod('otel-collector'), 4318), false);
    // k6 comes in through Traefik only, never straight to a replica.
    assert.equal(allowed(policies, pod('k6'), pod('shop-api-1'), 8080), true, 'k6 and the replicas share the edge network');
    assert.equal(allowed(policies, pod('traefik'), pod('shop-api-1'), 8080), true);
  });

  test('every pod may ask the cluster DNS, on port 53 only, and reaches nothing else outside the namespace', () => {
    const dns: Pod = { part: 'coredns', namespace: clusterDns.namespace, labels: clusterDns.podLabels };
    const apiServer: Pod = { part: 'elsewhere', namespace: 'default', labels: { component: 'apiserver' } };
    const sameLabelsElsewhere: Pod = { part: 'impostor', namespace: 'other', labels: { 'lab.part': 'postgres' } };
    for (const part of parts) {
      assert.ok(allowed(policies, podOf(part), dns, 53, 'UDP'), `${part.part} -> dns/UDP`);
      assert.ok(allowed(policies, podOf(part), dns, 53, 'TCP'), `${part.part} -> dns/TCP`);
      assert.equal(allowed(policies, podOf(part), dns, 9153), false, `${part.part} -> coredns metrics`);
      assert.equal(allowed(policies, podOf(part), apiServer, 443), false, `${part.part} -> 443 elsewhere`);
      assert.equal(allowed(policies, podOf(part), sameLabelsElsewhere, 5432), false, `${part.part} -> other namespace`);
    }
  });

  test('only the published ports take connections from outside the namespace', () => {
    const outside: Pod = { part: 'node', namespace: 'elsewhere', labels: {} };
    for (const part of parts) {
      for (const l of part.listens) {
        const expected = (part.published ?? []).includes(l.port);
        // Ingress only: the outside is not isolated by these policies.
        assert.equal(allowed(policies, outside, podOf(part), l.port), expected, `outside -> ${part.part}:${l.port}`);
      }
    }
    const published = parts.filter((p) => (p.published ?? []).length > 0).map((p) => p.part).sort();
    assert.deepEqual(published, ['alertmanager', 'grafana', 'prometheus', 'traefik']);
  });

  test('a part that cannot be selected, or is declared twice, or publishes a port it does not bind, is refused', () => {
    const base: PartNetworking = { part: 'x', podLabels: { 'lab.part': 'x' }, networks: ['data'], listens: [{ port: 1 }] };
    assert.throws(() => policySpecs([{ ...base, podLabels: {} }]), /part x has no pod labels/);
    assert.throws(() => policySpecs([base, base]), /part x is declared twice/);
    assert.throws(() => policySpecs([{ ...base, published: [2] }]), /publishes port 2, which it does not listen on/);
    assert.throws(() => policySpecs([{ ...base, part: 'default-deny' }]), /namespace-wide policy/);
  });
});
