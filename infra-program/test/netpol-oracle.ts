/**
 * The verdict of the Kubernetes NetworkPolicy rules (networking.k8s.io/v1, "Network Policies" in the
 * Kubernetes docs) on one connection, evaluated from the policies' specs as registered: a test oracle, so the
 * policies are judged by what they select, not by the code that wrote them. Only what the lab's policies may
 * use is understood; anything else (matchExpressions, named ports, ipBlock) fails loudly instead of guessing.
 */

export interface Pod {
  readonly part: string;
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
}

export interface PolicyObject {
  readonly namespace: string;
  readonly spec: any;
}

export type Protocol = 'TCP' | 'UDP';

function selects(selector: any, labels: Readonly<Record<string, string>>): boolean {
  if (selector === undefined || selector === null) return true;
  if (selector.matchExpressions !== undefined) throw new Error('oracle: matchExpressions not understood');
  return Object.entries(selector.matchLabels ?? {}).every(([key, value]) => labels[key] === value);
}

/** The labels the API server puts on every namespace (since Kubernetes 1.22). */
const namespaceLabels = (namespace: string) => ({ 'kubernetes.io/metadata.name': namespace });

function peerMatches(peer: any, policyNamespace: string, pod: Pod): boolean {
  if (peer.ipBlock !== undefined) throw new Error('oracle: ipBlock not understood');
  if (peer.namespaceSelector !== undefined) {
    return selects(peer.namespaceSelector, namespaceLabels(pod.namespace)) && selects(peer.podSelector, pod.labels);
  }
  return pod.namespace === policyNamespace && selects(peer.podSelector, pod.labels);
}

function portMatches(ports: any[] | undefined, port: number, protocol: Protocol): boolean {
  if (ports === undefined || ports.length === 0) return true;
  return ports.some((p) => {
    if (typeof p.port === 'string') throw new Error('oracle: named ports not understood');
    if ((p.protocol ?? 'TCP') !== protocol) return false;
    if (p.port === undefined) return true;
    return p.endPort === undefined ? p.port === port : port >= p.port && port <= p.endPort;
  });
}

function policyTypes(spec: any): string[] {
  // The API server's default: Ingress always, Egress when the policy has egress rules.
  return spec.policyTypes ?? ['Ingress', ...(spec.egress ? ['Egress'] : [])];
}

function allowedOneWay(direction: 'Ingress' | 'Egress', policies: readonly PolicyObject[], pod: Pod, peer: Pod, port: number, protocol: Protocol): boolean {
  const applying = policies.filter((p) => p.namespace === pod.namespace && policyTypes(p.spec).includes(direction) && selects(p.spec.podSelector, pod.labels));
  // A pod no policy of that direction selects is not isolated in it.
  if (applying.length === 0) return true;
  const rulesKey = direction === 'Ingress' ? 'ingress' : 'egress';
  const peersKey = direction === 'Ingress' ? 'from' : 'to';
  return applying.some((policy) =>
    (policy.spec[rulesKey] ?? []).some(
      (rule: any) =>
        (rule[peersKey] === undefined || rule[peersKey].length === 0 || rule[peersKey].some((p: any) => peerMatches(p, policy.namespace, peer))) &&
        portMatches(rule.ports, port, protocol),
    ),
  );
}

/** Whether `from` may open a connection to `to` on `port`: `from`'s egress and `to`'s ingress must both allow it. */
export function allowed(policies: readonly PolicyObject[], from: Pod, to: Pod, port: number, protocol: Protocol = 'TCP'): boolean {
  return allowedOneWay('Egress', policies, from, to, port, protocol) && allowedOneWay('Ingress', policies, to, from, port, protocol);
}
