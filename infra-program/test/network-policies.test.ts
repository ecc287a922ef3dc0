/**
 * The Kubernetes NetworkPolicies open exactly the edges the graph declares. The policies and pods are read off
 * the Kubernetes run; what they must allow is read off the Docker run of the same program (the networks each
 * container joins, and the ports each server's own config binds, as the edges test reads them); the policies
 * are evaluated by the NetworkPolicy rules (netpol-oracle.ts) for every pair of parts on every port.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { networkRoles, type NetworkRole } from '../src/networks';
import { clusterDns, declaredEdges, policySpecs, type PartNetworking } from '../src/targets/kubernetes/network-policies';
import { naming as makeNaming } from '../src/naming';
import { containers, listenPorts, references, unwrap, type ContainerView } from './graph';
import { project, runProgram } from './harness';
import { kubeParts } from './k8s-graph';
import { allowed, type Pod, type PolicyObject } from './netpol-oracle';
import type { RegisteredResource } from './k8s-schema';

const stack = 'dev';
const namespace = `${project}-${stack}`;

/** Docker replica `shop-api-2` -> part `shop-api`, as on Kubernetes. */
const partOf = (view: ContainerView, all: ContainerView[]): string => {
  const name = view.labels['lab.part']!;
  const match = /^(.*)-\d+$/.exec(name);
  return match && all.some((v) => v.labels['lab.part'] === `${match[1]}-1`) ? match[1]! : name;
};

/** What the Docker graph declares per part: the networks it joins, the ports its server binds, what it publishes. */
interface Declared {
  readonly networks: readonly NetworkRole[];
  readonly listens: readonly number[];
  readonly published: readonly number[];
}

function declaredByDocker(views: ContainerView[]): Map<string, Declared> {
  const roleOf = new Map<string, NetworkRole>(networkRoles.map((role) => [makeNaming(project, stack).of(role), role]));
  const declared = new Map<string, Declared>();
  for (const view of views) {
    // Docker's readiness probes are one-shot helpers; on Kubernetes they are the parts' own probes. A live
    // files writer (`-files`) joins no network, and on Kubernetes the kubelet does its work.
    if (view.labels['lab.part']!.endsWith('-ready') || view.labels['lab.part']!.endsWith('-files')) continue;
    declared.set(partOf(view, views), {
      networks: view.networks.map((network) => roleOf.get(network)!),
      listens: listenPorts(view),
      published: view.ports.map((port) => port.internal),
    });
  }
  return declared;
}

describe('network policies', () => {
  let views: ContainerView[];
  let declared: Map<string, Declared>;
  let pods: Map<string, Pod>;
  let policies: PolicyObject[];
  let registered: RegisteredResource[];

  before(async () => {
    views = containers((await runProgram({ stack })).resources);
    declared = declaredByDocker(views);
    const kube = await runProgram({ stack, config: { target: 'kubernetes' } });
    pods = new Map(kubeParts(kube.resources).map((p) => [p.part, { part: p.part, namespace: p.namespace, labels: p.podLabels }]));
    registered = kube.resources.filter((r) => r.type === 'kubernetes:networking.k8s.io/v1:NetworkPolicy');
    policies = registered.map((r) => ({ namespace: unwrap(r.inputs).metadata.namespace, spec: unwrap(r.inputs).spec }));
  });

  const pod = (part: string): Pod => {
    const found = pods.get(part);
    if (!found) throw new Error(`no pod of ${part} on Kubernetes`);
    return found;
  };

  test('the same parts on both sides', () => {
    assert.deepEqual([...pods.keys()].sort(), [...declared.keys()].sort());
  });

  test('one NetworkPolicy per part plus deny-all and DNS, in the stack namespace, named and labelled with project and stack', () => {
    assert.equal(registered.length, declared.size + 2);
    for (const r of registered) {
      const metadata = unwrap(r.inputs).metadata;
      assert.equal(metadata.namespace, namespace);
      assert.ok(metadata.name.startsWith(`${namespace}-`), metadata.name);
      assert.equal(metadata.labels['lab.project'], project);
      assert.equal(metadata.labels['lab.stack'], stack);
      assert.equal(unwrap(r.inputs).apiVersion, 'networking.k8s.io/v1');
    }
  });

  test('every pair of parts, on every port any part binds: allowed exactly when they share a network and the target listens there', () => {
    const parts = [...declared.keys()];
    const ports = [...new Set([...[...declared.values()].flatMap((d) => d.listens), 22, 80, 443])];
    let open = 0;
    for (const from of parts) {
      for (const to of parts) {
        const shared = declared.get(from)!.networks.some((n) => declared.get(to)!.networks.includes(n));
        for (const port of ports) {
          const expected = shared && declared.get(to)!.listens.includes(port);
          assert.equal(allowed(policies, pod(from), pod(to), port), expected, `${from} -> ${to}:${port}`);
          if (expected) open += 1;
        }
        // Nothing the lab runs speaks UDP to another part.
        for (const port of declared.get(to)!.listens) assert.equal(allowed(policies, pod(from), pod(to), port, 'UDP'), false, `${from} -> ${to}:${port}/UDP`);
      }
    }
    assert.ok(open > 50, `${open} open (part, part, port) triples`);
  });

  test('every address a part is configured to reach (read from its env, command and files) is allowed', () => {
    const refs = references(views).filter((ref) => !ref.from.labels['lab.part']!.endsWith('-ready'));
    assert.ok(refs.length > 30);
    const byName = new Map(views.map((v) => [v.name, partOf(v, views)]));
    for (const ref of refs) {
      const from = partOf(ref.from, views);
      const to = byName.get(ref.host)!;
      assert.ok(allowed(policies, pod(from), pod(to), ref.port), `${from} -> ${to}:${ref.port} (${ref.where})`);
    }
  });

  test('a part off the data network reaches neither Postgres nor Redis; the parts on it do', () => {
    for (const outsider of ['traefik', 'k6', 'grafana', 'otel-collector', 'prometheus', 'minio', 'loki', 'tempo']) {
      assert.equal(allowed(policies, pod(outsider), pod('postgres'), 5432), false, `${outsider} -> postgres`);
      assert.equal(allowed(policies, pod(outsider), pod('redis'), 6379), false, `${outsider} -> redis`);
    }
    for (const insider of [...declared.entries()].filter(([, d]) => d.networks.includes('data')).map(([part]) => part)) {
      assert.ok(allowed(policies, pod(insider), pod('postgres'), 5432), `${insider} -> postgres`);
    }
    assert.ok(allowed(policies, pod('postgres-exporter'), pod('postgres'), 5432));
    // Postgres and Redis open no connection to a part off the data network.
    assert.equal(allowed(policies, pod('postgres'), pod('otel-collector'), 4318), false);
    assert.equal(allowed(policies, pod('traefik'), pod('shop-api'), 8080), true);
  });

  test('every pod may ask the cluster DNS, on port 53 only, and reaches nothing else outside the namespace', () => {
    const dns: Pod = { part: 'coredns', namespace: clusterDns.namespace, labels: clusterDns.podLabels };
    const apiServer: Pod = { part: 'elsewhere', namespace: 'default', labels: { component: 'apiserver' } };
    for (const part of pods.keys()) {
      assert.ok(allowed(policies, pod(part), dns, 53, 'UDP'), `${part} -> dns/UDP`);
      assert.ok(allowed(policies, pod(part), dns, 53, 'TCP'), `${part} -> dns/TCP`);
      assert.equal(allowed(policies, pod(part), dns, 9153), false, `${part} -> coredns metrics`);
      assert.equal(allowed(policies, pod(part), apiServer, 443), false, `${part} -> 443 elsewhere`);
      assert.equal(allowed(policies, pod(part), { ...pod('postgres'), namespace: 'other' }, 5432), false, `${part} -> same labels, other namespace`);
    }
  });

  test('only the published ports take connections from outside the namespace', () => {
    const outside: Pod = { part: 'node', namespace: 'elsewhere', labels: {} };
    for (const [part, d] of declared) {
      for (const port of d.listens) {
        // Ingress only: the outside is not isolated by these policies.
        assert.equal(allowed(policies, outside, pod(part), port), d.published.includes(port), `outside -> ${part}:${port}`);
      }
    }
    const published = [...declared.entries()].filter(([, d]) => d.published.length > 0).map(([part]) => part).sort();
    assert.deepEqual(published, ['alertmanager', 'grafana', 'prometheus', 'traefik']);
  });

  test('the edges declared from memberships and ports are what the pure function derives', () => {
    const parts: PartNetworking[] = [
      { part: 'a', podLabels: { p: 'a' }, networks: ['edge'], listens: [{ port: 1 }] },
      { part: 'b', podLabels: { p: 'b' }, networks: ['edge', 'data'], listens: [{ port: 2 }, { port: 3 }] },
      { part: 'c', podLabels: { p: 'c' }, networks: ['data'], listens: [] },
    ];
    const edges = declaredEdges(parts).map((e) => `${e.from}->${e.to}:${e.port}`).sort();
    assert.deepEqual(edges, ['a->a:1', 'a->b:2', 'a->b:3', 'b->a:1', 'b->b:2', 'b->b:3', 'c->b:2', 'c->b:3']);
  });

  test('a part that cannot be selected, or is declared twice, or publishes a port it does not bind, is refused', () => {
    const base: PartNetworking = { part: 'x', podLabels: { 'lab.part': 'x' }, networks: ['data'], listens: [{ port: 1 }] };
    assert.throws(() => policySpecs([{ ...base, podLabels: {} }]), /part x has no pod labels/);
    assert.throws(() => policySpecs([base, base]), /part x is declared twice/);
    assert.throws(() => policySpecs([{ ...base, published: [2] }]), /publishes port 2, which it does not listen on/);
    assert.throws(() => policySpecs([{ ...base, part: 'default-deny' }]), /namespace-wide policy/);
  });
});
