/**
 * Reads the recorded Kubernetes resources back as parts, the way the kubelet would assemble each pod: its
 * env with every secretKeyRef/configMapKeyRef resolved from the registered Secret/ConfigMap, its files from
 * the volumes they are mounted from, its ports, probes and labels. Nothing here trusts the target's code:
 * it reads only what the provider would send.
 */
import { unwrap, isSecretValue } from './graph';
import type { Recorded } from './harness';

export const workloadTypes = [
  'kubernetes:apps/v1:Deployment',
  'kubernetes:apps/v1:StatefulSet',
  'kubernetes:batch/v1:Job',
  'kubernetes:core/v1:Pod',
] as const;

export interface PartFile {
  readonly path: string;
  readonly content: string;
  /** Delivered from a Secret. */
  readonly secret: boolean;
}

export interface KubePart {
  readonly part: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace: string;
  readonly labels: Record<string, string>;
  readonly podLabels: Record<string, string>;
  readonly podSpec: any;
  readonly container: any;
  /** Every env var's value as the container sees it; a downward-API field reads `<fieldRef:path>`. */
  readonly env: Record<string, string>;
  /** Env vars that come from a Secret (secretKeyRef). */
  readonly secretEnv: readonly string[];
  /** Env vars written as plain values into the pod spec. */
  readonly plainEnv: Record<string, string>;
  readonly files: readonly PartFile[];
  readonly command: string[];
  readonly args: string[];
  readonly raw: Recorded;
}

function decodeData(object: any, key: string): string | undefined {
  if (object.stringData && key in object.stringData) return object.stringData[key];
  if (object.data && key in object.data) {
    // A Secret's `data` is base64; a ConfigMap's is plain text.
    return object.kind === 'Secret' ? Buffer.from(object.data[key], 'base64').toString('utf8') : object.data[key];
  }
  return undefined;
}

export function kubeParts(resources: readonly Recorded[]): KubePart[] {
  const objects = resources.filter((r) => r.type.startsWith('kubernetes:')).map((r) => ({ r, m: unwrap(r.inputs) }));
  const find = (kind: string, namespace: string, name: string) => {
    const found = objects.find((o) => o.m.kind === kind && o.m.metadata?.name === name && (o.m.metadata?.namespace ?? namespace) === namespace);
    if (!found) throw new Error(`no ${kind} ${namespace}/${name} registered`);
    return found.m;
  };
  return objects
    .filter((o) => (workloadTypes as readonly string[]).includes(o.r.type))
    .map(({ r, m }) => {
      const template = m.kind === 'Pod' ? m : m.spec.template;
      const podSpec = template.spec;
      const namespace = m.metadata.namespace;
      if (podSpec.containers.length !== 1) throw new Error(`${m.metadata.name}: one container per pod expected, found ${podSpec.containers.length}`);
      const container = podSpec.containers[0];
      const env: Record<string, string> = {};
      const plainEnv: Record<string, string> = {};
      const secretEnv: string[] = [];
      for (const variable of container.env ?? []) {
        if (variable.value !== undefined) {
          env[variable.name] = variable.value;
          plainEnv[variable.name] = variable.value;
        } else if (variable.valueFrom?.secretKeyRef) {
          const ref = variable.valueFrom.secretKeyRef;
          const value = decodeData(find('Secret', namespace, ref.name), ref.key);
          if (value === undefined) throw new Error(`${m.metadata.name}: env ${variable.name} refers to missing key ${ref.key} of Secret ${ref.name}`);
          env[variable.name] = value;
          secretEnv.push(variable.name);
        } else if (variable.valueFrom?.configMapKeyRef) {
          const ref = variable.valueFrom.configMapKeyRef;
          const value = decodeData(find('ConfigMap', namespace, ref.name), ref.key);
          if (value === undefined) throw new Error(`${m.metadata.name}: env ${variable.name} refers to missing key ${ref.key} of ConfigMap ${ref.name}`);
          env[variable.name] = value;
        } else if (variable.valueFrom?.fieldRef) {
          env[variable.name] = `<fieldRef:${variable.valueFrom.fieldRef.fieldPath}>`;
        } else {
          throw new Error(`${m.metadata.name}: env ${variable.name} has no value the reader understands`);
        }
      }
      const files: PartFile[] = [];
      for (const mount of container.volumeMounts ?? []) {
        const volume = (podSpec.volumes ?? []).find((v: any) => v.name === mount.name);
        // A StatefulSet's claim template is storage, not a file of the graph.
        if (!volume && (m.spec.volumeClaimTemplates ?? []).some((t: any) => t.metadata?.name === mount.name)) continue;
        if (!volume) throw new Error(`${m.metadata.name}: mount ${mount.name} has no volume`);
        const source = volume.configMap
          ? { object: find('ConfigMap', namespace, volume.configMap.name), items: volume.configMap.items, secret: false }
          : volume.secret
            ? { object: find('Secret', namespace, volume.secret.secretName), items: volume.secret.items, secret: true }
            : undefined;
        // Storage (a PVC, an emptyDir) holds no file of the graph.
        if (!source) continue;
        const keyAt = (path: string): string => source.items?.find((item: any) => item.path === path)?.key ?? path;
        if (mount.subPath) {
          const content = decodeData(source.object, keyAt(mount.subPath));
          if (content === undefined) throw new Error(`${m.metadata.name}: ${mount.mountPath} mounts missing key ${mount.subPath}`);
          files.push({ path: mount.mountPath, content, secret: source.secret });
        } else {
          const keys: string[] = source.items ? source.items.map((item: any) => item.path) : Object.keys({ ...source.object.data, ...source.object.stringData });
          for (const key of keys) {
            files.push({ path: `${mount.mountPath.replace(/\/$/, '')}/${key}`, content: decodeData(source.object, keyAt(key)) ?? '', secret: source.secret });
          }
        }
      }
      return {
        part: (template.metadata?.labels ?? {})['lab.part'] ?? m.metadata.labels?.['lab.part'],
        kind: m.kind,
        name: m.metadata.name,
        namespace,
        labels: m.metadata.labels ?? {},
        podLabels: template.metadata?.labels ?? {},
        podSpec,
        container,
        env,
        secretEnv,
        plainEnv,
        files,
        command: container.command ?? [],
        args: container.args ?? [],
        raw: r,
      };
    });
}

/** Every value in a Kubernetes resource's inputs that is a Pulumi secret, by path. */
export function secretPaths(value: any, path = ''): string[] {
  if (isSecretValue(value)) return [path];
  if (Array.isArray(value)) return value.flatMap((v, i) => secretPaths(v, `${path}[${i}]`));
  if (value !== null && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => secretPaths(v, path ? `${path}.${k}` : k));
  return [];
}
