import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import type { Naming } from '../../naming';
import type { NetworkRole } from '../../networks';

export type Protocol = 'TCP' | 'UDP';

export interface ListeningPort {
  readonly port: number;
  readonly protocol?: Protocol;
}

/**
 * What the segmentation needs to know of one part (one Deployment, StatefulSet or Job): which pods are its,
 * the networks it joins (the same memberships the Docker target attaches) and the ports its server binds.
 */
export interface PartNetworking {
  readonly part: string;
  /** Labels that select exactly this part's pods. */
  readonly podLabels: Readonly<Record<string, string>>;
  readonly networks: readonly NetworkRole[];
  readonly listens: readonly ListeningPort[];
  /** Container ports reached from outside the cluster (through a NodePort or LoadBalancer Service). */
  readonly published?: readonly number[];
}

/** A connection the graph declares: `from` may open `to:port`, because they share `networks`. */
export interface Edge {
  readonly from: string;
  readonly to: string;
  readonly port: number;
  readonly protocol: Protocol;
  readonly networks: readonly NetworkRole[];
}

/**
 * Docker's segmentation, made exact: a part may reach another part (itself included: Prometheus scrapes its
 * own Service) when the two share a network, and only on a port that part listens on. On Docker a shared
 * network opens every port; here only the bound ones are opened.
 */
export function declaredEdges(parts: readonly PartNetworking[]): Edge[] {
  assertWellFormed(parts);
  return parts.flatMap((from) =>
    parts.flatMap((to) => {
      const networks = from.networks.filter((role) => to.networks.includes(role));
      if (networks.length === 0) return [];
      return to.listens.map((listen) => ({ from: from.part, to: to.part, port: listen.port, protocol: listen.protocol ?? 'TCP', networks }));
    }),
  );
}

function assertWellFormed(parts: readonly PartNetworking[]): void {
  const seen = new Set<string>();
  for (const part of parts) {
    if (seen.has(part.part)) throw new Error(`network policies: part ${part.part} is declared twice`);
    seen.add(part.part);
    if (Object.keys(part.podLabels).length === 0) {
      // An empty selector would select every pod of the namespace and open all of them.
      throw new Error(`network policies: part ${part.part} has no pod labels to select it by`);
    }
    for (const port of part.published ?? []) {
      if (!part.listens.some((listen) => listen.port === port)) {
        throw new Error(`network policies: part ${part.part} publishes port ${port}, which it does not listen on`);
      }
    }
  }
}

/** Cluster DNS as every pod reaches it: CoreDNS, labelled `k8s-app: kube-dns` in kube-system (kind, k3s, kubeadm). */
export const clusterDns = {
  namespace: 'kube-system',
  podLabels: { 'k8s-app': 'kube-dns' },
  port: 53,
} as const;

/** The namespace-wide policies; every other policy is named after its part. */
const fixedPolicies: readonly string[] = ['default-deny', 'allow-dns'];

type PolicySpec = k8s.types.input.networking.v1.NetworkPolicySpec;
type Port = k8s.types.input.networking.v1.NetworkPolicyPort;

const portsOf = (listens: readonly ListeningPort[]): Port[] =>
  listens.map((listen) => ({ port: listen.port, protocol: listen.protocol ?? 'TCP' }));

/**
 * The specs of every policy, by policy short name: deny everything, let every pod ask the cluster DNS, and
 * per part one policy that opens exactly its edges (ingress from the parts that may reach it, on its ports;
 * egress to the parts it may reach, on theirs). Policies add up, so a connection passes only when the
 * source's egress and the target's ingress both allow it.
 */
export function policySpecs(parts: readonly PartNetworking[]): Record<string, PolicySpec> {
  const edges = declaredEdges(parts);
  const byName = new Map(parts.map((part) => [part.part, part]));
  for (const part of parts) {
    if (fixedPolicies.includes(part.part)) throw new Error(`network policies: part ${part.part} has the name of a namespace-wide policy`);
  }
  const specs: Record<string, PolicySpec> = {
    'default-deny': { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
    'allow-dns': {
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [
        {
          to: [
            {
              namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': clusterDns.namespace } },
              podSelector: { matchLabels: { ...clusterDns.podLabels } },
            },
          ],
          ports: [
            { port: clusterDns.port, protocol: 'UDP' },
            { port: clusterDns.port, protocol: 'TCP' },
          ],
        },
      ],
    },
  };
  for (const part of parts) {
    const callers = unique(edges.filter((edge) => edge.to === part.part).map((edge) => edge.from));
    const callees = unique(edges.filter((edge) => edge.from === part.part).map((edge) => edge.to));
    const ingress: k8s.types.input.networking.v1.NetworkPolicyIngressRule[] = [];
    if (callers.length > 0 && part.listens.length > 0) {
      ingress.push({ from: callers.map((caller) => ({ podSelector: { matchLabels: { ...byName.get(caller)!.podLabels } } })), ports: portsOf(part.listens) });
    }
    if ((part.published ?? []).length > 0) {
      // No `from`: the Service that publishes it may hand over traffic from any address (a NodePort SNATs to the node).
      ingress.push({ ports: portsOf(part.listens.filter((listen) => part.published!.includes(listen.port))) });
    }
    const egress = callees.map((callee) => {
      const to = byName.get(callee)!;
      return { to: [{ podSelector: { matchLabels: { ...to.podLabels } } }], ports: portsOf(to.listens) };
    });
    specs[part.part] = {
      podSelector: { matchLabels: { ...part.podLabels } },
      policyTypes: ['Ingress', 'Egress'],
      ingress,
      egress,
    };
  }
  return specs;
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

export interface NetworkPoliciesArgs {
  readonly naming: Naming;
  readonly namespace: pulumi.Input<string>;
  readonly parts: readonly PartNetworking[];
}

/**
 * The lab's edge/data/telemetry segmentation as NetworkPolicies in the stack's namespace. `opts` carries the
 * target's parent and Kubernetes provider.
 */
export function networkPolicies(args: NetworkPoliciesArgs, opts: pulumi.CustomResourceOptions): k8s.networking.v1.NetworkPolicy[] {
  return Object.entries(policySpecs(args.parts)).map(
    ([policy, spec]) =>
      new k8s.networking.v1.NetworkPolicy(
        `netpol-${policy}`,
        {
          metadata: {
            name: args.naming.of(policy),
            namespace: args.namespace,
            labels: { 'lab.project': args.naming.project, 'lab.stack': args.naming.stack, 'lab.policy': policy },
          },
          spec,
        },
        opts,
      ),
  );
}
