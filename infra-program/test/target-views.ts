/**
 * One reading of a run for either target: every part as a process with its env, its files and how each
 * value reached it (plain, or through a secret store), so the same assertions run on Docker containers and
 * Kubernetes workloads. Docker replicas `<part>-<n>` fold into one part, as on Kubernetes (one Deployment);
 * Docker's `<part>-ready` probes are not parts (Kubernetes makes them readiness probes), nor are its
 * `<part>-files` live-file writers: their files are the part's, where its volume puts them (Kubernetes mounts
 * them from a ConfigMap).
 */
import { containers, isSecretValue, type ContainerView } from './graph';
import { mockSecretPrefix, type ProgramRun, type Recorded } from './harness';
import { kubeParts, type KubePart } from './k8s-graph';
import { runReportScript } from '../src/targets/kubernetes/run-report';

export type TargetKind = 'docker' | 'kubernetes';

export interface PartFileView {
  readonly path: string;
  readonly content: string;
  /** The value travels as a secret: a Pulumi secret in Docker's upload, a Secret object on Kubernetes. */
  readonly secret: boolean;
}

export interface PartView {
  readonly target: TargetKind;
  /** The part's name, replicas folded. */
  readonly part: string;
  /** Instances seen: Docker `shop-api-1`, `shop-api-2`; Kubernetes one workload. */
  readonly instances: readonly string[];
  readonly oneShot: boolean;
  /** The instance's own id, where it varies per instance, reads `<instance>`. */
  readonly env: Readonly<Record<string, string>>;
  /** Env vars that travel as a secret (a secret in Docker's state; a secretKeyRef on Kubernetes). */
  readonly secretEnv: readonly string[];
  readonly files: readonly PartFileView[];
  /** Docker: entrypoint + command; Kubernetes: command + args. */
  readonly argv: readonly string[];
  /** A readiness gate of any kind: a waited health check, a readiness probe part, or a readiness probe. */
  readonly probed: boolean;
  /** A health check that restarts the part when it fails (Docker healthcheck; Kubernetes liveness probe). */
  readonly healthChecked: boolean;
  /** The resources that make the part (containers or workloads), for ordering checks. */
  readonly raw: readonly Recorded[];
}

/** Docker replica `shop-api-2` -> `shop-api` (a part whose `-1` sibling exists). */
function foldReplica(part: string, all: readonly string[]): string {
  const match = /^(.*)-\d+$/.exec(part);
  return match && all.includes(`${match[1]}-1`) ? match[1]! : part;
}

function dockerViews(run: ProgramRun): PartView[] {
  const views = containers(run.resources);
  const partNames = views.map((v) => v.labels['lab.part']!);
  const probed = new Set(partNames.filter((p) => p.endsWith('-ready')).map((p) => p.slice(0, -'-ready'.length)));
  const byPart = new Map<string, ContainerView[]>();
  for (const view of views) {
    const name = view.labels['lab.part']!;
    if (name.endsWith('-ready')) continue;
    if (name.endsWith('-files') && partNames.includes(name.slice(0, -'-files'.length))) continue;
    const part = foldReplica(name, partNames);
    byPart.set(part, [...(byPart.get(part) ?? []), view]);
  }
  return [...byPart.entries()].map(([part, instances]) => {
    const first = instances[0]!;
    const instanceName = first.labels['lab.part']!;
    const env = Object.fromEntries(
      Object.entries(first.env).map(([k, v]) => [k, instances.length > 1 || instanceName !== part ? v.replaceAll(instanceName, '<instance>') : v]),
    );
    const rawEnvs = first.raw.inputs.envs;
    const envSecret = (name: string): boolean => {
      if (isSecretValue(rawEnvs)) return first.env[name]!.includes(mockSecretPrefix);
      const entry = (rawEnvs ?? []).find((e: unknown) => {
        const text = isSecretValue(e) ? (e as { value: string }).value : (e as string);
        return typeof text === 'string' && text.startsWith(`${name}=`);
      });
      return isSecretValue(entry);
    };
    const rawUploads = first.raw.inputs.uploads;
    const files = first.uploads.map((upload, index) => ({
      path: upload.file,
      content: upload.content,
      secret: isSecretValue(rawUploads) || isSecretValue(rawUploads?.[index]) || isSecretValue(rawUploads?.[index]?.content),
    }));
    const writer = views.find((v) => v.labels['lab.part'] === `${part}-files`);
    for (const upload of writer?.uploads ?? []) {
      const into = writer!.volumes.find((v) => v.containerPath === '/live');
      const mount = first.volumes.find((v) => v.volumeName === into?.volumeName);
      if (!mount) throw new Error(`${part}-files writes a volume ${part} does not mount`);
      files.push({ path: `${mount.containerPath}${upload.file.slice(upload.file.lastIndexOf('/'))}`, content: upload.content, secret: false });
    }
    return {
      target: 'docker' as const,
      part,
      instances: instances.map((i) => i.labels['lab.part']!),
      oneShot: first.oneShot || first.raw.inputs.mustRun === false,
      env,
      secretEnv: Object.keys(first.env).filter(envSecret).sort(),
      files,
      argv: [...first.entrypoints, ...first.command],
      probed: (first.healthcheck !== undefined && first.raw.inputs.wait === true) || probed.has(part),
      healthChecked: first.healthcheck !== undefined,
      raw: instances.map((i) => i.raw),
    };
  });
}

const isWrappedRun = (command: readonly string[]): boolean =>
  command.length === 4 && command[0] === '/bin/sh' && command[1] === '-c' && command[2] === runReportScript() && command[3] === 'sh';

function kubernetesViews(run: ProgramRun): PartView[] {
  return kubeParts(run.resources).map((p: KubePart) => ({
    target: 'kubernetes' as const,
    part: p.part,
    instances: [p.name],
    oneShot: p.kind === 'Job' || p.kind === 'Pod',
    env: Object.fromEntries(
      Object.entries(p.env)
        // The downward API's pod name is the instance id, referenced by other env vars as $(POD_NAME).
        .filter(([, v]) => v !== '<fieldRef:metadata.name>')
        .map(([k, v]) => [k, v.replaceAll('$(POD_NAME)', '<instance>')]),
    ),
    secretEnv: [...p.secretEnv].sort(),
    files: p.files.map((f) => ({ path: f.path, content: f.content, secret: f.secret })),
    // A reported run goes through the wrapper (run-report.ts), which runs its args unchanged.
    argv: isWrappedRun(p.command) ? p.args : [...p.command, ...p.args],
    probed: p.container.readinessProbe !== undefined,
    healthChecked: p.container.livenessProbe !== undefined,
    raw: [p.raw],
  }));
}

export function partViews(target: TargetKind, run: ProgramRun): PartView[] {
  return target === 'docker' ? dockerViews(run) : kubernetesViews(run);
}

export function viewOf(views: readonly PartView[], part: string): PartView {
  const found = views.find((v) => v.part === part);
  if (!found) throw new Error(`no part ${part} (parts: ${views.map((v) => v.part).join(', ')})`);
  return found;
}
