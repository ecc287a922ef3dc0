import type { Naming } from '../../naming';

/** The namespace of one stack: project and stack, as every Docker name carries them. */
export function namespaceName(naming: Naming): string {
  return checkedDnsLabel(`${naming.project}-${naming.stack}`, 'namespace');
}

/** A part's object name (its Service's, so its DNS name): the same `<project>-<stack>-<part>` as on Docker. */
export function objectName(naming: Naming, part: string): string {
  return checkedDnsLabel(naming.of(part), `part ${part}`);
}

/**
 * The longest StatefulSet name whose pods can be created: the StatefulSet controller labels each pod
 * `controller-revision-hash: <name>-<hash of up to 10 characters>`, and a label value holds at most 63
 * (kubernetes/kubernetes#64023; `ControllerRevisionName` in pkg/controller/history). A longer name is
 * accepted by the API, and the StatefulSet then never gets a pod.
 */
export const statefulSetNameLimit = 63 - 11;

/**
 * A stateful part's object name, checked against the StatefulSet limit. The stack name is the part the
 * user picks, so the error says how long it may be.
 */
export function statefulSetName(naming: Naming, part: string): string {
  const name = objectName(naming, part);
  if (name.length > statefulSetNameLimit) {
    const stackLimit = statefulSetNameLimit - (name.length - naming.stack.length);
    throw new Error(
      `part ${part}: the StatefulSet name "${name}" has ${name.length} characters, and Kubernetes creates no pod for a StatefulSet over ${statefulSetNameLimit} (its pods' controller-revision-hash label is the name plus 11): with project ${naming.project} the stack name may have at most ${stackLimit} characters, "${naming.stack}" has ${naming.stack.length}; use a shorter stack name`,
    );
  }
  return name;
}

/** Hex characters of a run's digest in its name: enough that two runs of one stack never meet. */
const runDigestLength = 8;

/**
 * The name of one run of a detached Job: the part's name and a digest of what it runs. A replaced detached
 * Job is deleted without waiting (skipAwait: pulumi-kubernetes `DeletedCondition` returns at once for a
 * Job), so a new one under the same name would meet the old one still terminating (AlreadyExists); a run
 * of its own name never does. At most 63 characters: the Job controller labels its pods with the name.
 */
export function runName(naming: Naming, part: string, runDigest: string): string {
  const base = objectName(naming, part);
  const name = `${base}-${runDigest.slice(0, runDigestLength)}`;
  if (name.length > 63) {
    throw new Error(
      `part ${part}: the run name "${name}" has ${name.length} characters, over the 63 of a label value: the stack name may have at most ${63 - (name.length - naming.stack.length)} characters; use a shorter stack name`,
    );
  }
  return name;
}

/** The length runName gives a part's runs, known before the digest is. */
export function checkRunName(naming: Naming, part: string): void {
  runName(naming, part, '0'.repeat(runDigestLength));
}

/**
 * Labels that select exactly one part's pods (a workload's selector, its Service's, a NetworkPolicy's). A
 * selector is immutable on Deployments and StatefulSets, so it holds only what never changes for a part.
 */
export function selectorLabels(naming: Naming, part: string): Record<string, string> {
  return { 'app.kubernetes.io/name': part, 'app.kubernetes.io/instance': `${naming.project}-${naming.stack}` };
}

/** Every object's labels: the selector's, plus project, stack and part as the Docker target labels them. */
export function partLabels(naming: Naming, part: string): Record<string, string> {
  return {
    ...selectorLabels(naming, part),
    'app.kubernetes.io/part-of': naming.project,
    'app.kubernetes.io/managed-by': 'pulumi',
    'lab.project': naming.project,
    'lab.stack': naming.stack,
    'lab.part': part,
  };
}

/** RFC 1123 label as Service and namespace names require (63 characters at most). */
function checkedDnsLabel(name: string, what: string): string {
  if (!/^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/.test(name)) {
    throw new Error(`${what}: "${name}" is not a valid Kubernetes name (lower-case letters, digits and dashes, at most 63, starting with a letter): use a shorter or lower-case project or stack name`);
  }
  return name;
}

/**
 * A Docker label key as an annotation key of the pod template: the same key where Kubernetes accepts it
 * (a name part of at most 63 characters, alphanumerics with - _ . inside).
 */
export function annotationKey(label: string): string {
  if (!/^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/.test(label)) {
    throw new Error(`label ${label} cannot be a Kubernetes annotation key (at most 63 characters, alphanumerics and - _ . inside)`);
  }
  return label;
}
