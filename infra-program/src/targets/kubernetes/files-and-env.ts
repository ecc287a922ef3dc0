import * as pulumi from '@pulumi/pulumi';
import type * as k8s from '@pulumi/kubernetes';
import type { PlatformContainerArgs } from '../../container';
import { fingerprint } from '../../fingerprint';

type EnvVar = k8s.types.input.core.v1.EnvVar;
type VolumeMount = k8s.types.input.core.v1.VolumeMount;

/** One file the part reads, where it reads it: a generated config file or another upload. */
interface PartFile {
  readonly path: string;
  readonly content: pulumi.Input<string>;
}

/** Where each value of a part ends up: plain in the pod spec and its ConfigMap, or in its Secret. */
export interface SortedValues {
  readonly env: pulumi.Output<EnvVar[]>;
  readonly mounts: pulumi.Output<VolumeMount[]>;
  /** ConfigMap data (file key → content); empty when no plain file. */
  readonly configData: pulumi.Output<Record<string, string>>;
  /** Secret data (env name or file key → value); only values that are Pulumi secrets. */
  readonly secretData: pulumi.Output<Record<string, string>>;
  /** Whether the part has any value that may be a secret, so a Secret object must exist. */
  readonly mayHoldSecrets: boolean;
  readonly hasFiles: boolean;
  /** A digest of every file's content: in the pod template, so a changed file rolls the pods. */
  readonly filesDigest: pulumi.Output<string>;
  /**
   * A digest of the Secret's data, itself no secret: in the pod template, so a changed value rolls the
   * pods (an env var from secretKeyRef is read once, at container start; a subPath mount never updates).
   */
  readonly secretsDigest: pulumi.Output<string>;
}

export const filesVolume = 'files';
export const secretFilesVolume = 'secret-files';
/** The directory of a part's live files (PlatformContainerArgs.liveFiles), from their own ConfigMap. */
export const liveFilesVolume = 'live-files';

/** The ConfigMap/Secret key of a file path (keys cannot hold `/`). */
function fileKey(path: string): string {
  if (!path.startsWith('/')) throw new Error(`file path ${path} must be absolute`);
  const key = path.slice(1).replaceAll('/', '_');
  if (!/^[-._a-zA-Z0-9]+$/.test(key) || key.length > 253) throw new Error(`file path ${path} cannot be a ConfigMap key`);
  return key;
}

/**
 * Sorts a part's env and files into plain values and secrets. A value that is a Pulumi secret (every
 * generated password, and whatever is built from one: a database URL, the Redis config) goes into the
 * part's Secret and reaches the container through secretKeyRef or a secret volume, never as a plain
 * field of the pod spec. Whether an output is secret is known only once it resolves, so the lists are
 * outputs; that also orders the part after whatever its values come from, as on Docker.
 */
export function sortValues(args: PlatformContainerArgs, secretName: string, extraEnv: EnvVar[]): SortedValues {
  const envEntries = Object.entries(args.envs ?? {});
  const files: PartFile[] = (args.configFiles ?? []).map((file) => ({ path: file.path, content: file.content }));
  const keys = new Set<string>();
  for (const file of files) checkUnique(keys, fileKey(file.path));

  const classifiedEnv = pulumi.all(
    envEntries.map(([name, value]) => {
      const output = pulumi.output(value);
      return pulumi.all([output, pulumi.output(pulumi.isSecret(output))]).apply(([resolved, secret]) => ({ name, value: resolved, secret }));
    }),
  );
  // Each upload is classified as a whole: once resolved, an upload's content is a plain string inside it,
  // and only the upload's own output still says whether anything in it was secret.
  const allFiles = pulumi.all([
    ...files.map((file) => classify(file.path, file.content)),
    ...(args.extraUploads ?? []).map((upload) => {
      const output = pulumi.output(upload);
      return pulumi
        .all([output, pulumi.output(pulumi.isSecret(output))])
        .apply(([resolved, secret]) => ({ path: resolved.file, key: fileKey(resolved.file), content: resolved.content ?? '', secret }));
    }),
  ]);

  // The env list, the mounts, the ConfigMap's data and the digests hold a secret value only as a
  // reference (secretKeyRef, a secret volume) or not at all: not secrets themselves, so the pod spec's
  // diff stays readable and only the Secret's data is encrypted.
  const env = pulumi.unsecret(classifiedEnv).apply((entries) => [
    ...extraEnv,
    ...entries.map(
      (entry): EnvVar =>
        entry.secret ? { name: entry.name, valueFrom: { secretKeyRef: { name: secretName, key: entry.name } } } : { name: entry.name, value: entry.value },
    ),
  ]);
  const mounts = pulumi.unsecret(allFiles).apply((list) => {
    const seen = new Set<string>();
    return list.map((file): VolumeMount => {
      checkUnique(seen, file.key);
      return { name: file.secret ? secretFilesVolume : filesVolume, mountPath: file.path, subPath: file.key, readOnly: true };
    });
  });
  const configData = pulumi.unsecret(allFiles).apply((list) => Object.fromEntries(list.filter((f) => !f.secret).map((f) => [f.key, f.content])));
  const secretData = pulumi.secret(
    pulumi.all([classifiedEnv, allFiles]).apply(([entries, list]) => ({
      ...Object.fromEntries(entries.filter((e) => e.secret).map((e) => [e.name, e.value])),
      ...Object.fromEntries(list.filter((f) => f.secret).map((f) => [f.key, f.content])),
    })),
  );
  const mayHoldSecrets = envEntries.some(([, value]) => typeof value !== 'string') || (args.extraUploads ?? []).length > 0;
  const hasFiles = files.length > 0 || (args.extraUploads ?? []).length > 0;
  return {
    env,
    mounts,
    configData,
    secretData,
    mayHoldSecrets,
    hasFiles,
    filesDigest: pulumi.unsecret(allFiles.apply((list) => fingerprint(list.map((f) => [f.path, f.content])))),
    // A sha256 of generated random values tells nothing about them (the files digest too covers secret
    // files); as a secret it would hide the pod template's diff and mark all of it secret in the state.
    secretsDigest: pulumi.unsecret(secretData.apply((data) => fingerprint(Object.entries(data).sort(([a], [b]) => a.localeCompare(b))))),
  };
}

function classify(path: string, content: pulumi.Input<string>) {
  const output = pulumi.output(content);
  return pulumi.all([output, pulumi.output(pulumi.isSecret(output))]).apply(([text, secret]) => ({ path, key: fileKey(path), content: text, secret }));
}

function checkUnique(seen: Set<string>, key: string): void {
  if (seen.has(key)) throw new Error(`two files of one part map to the ConfigMap key ${key}`);
  seen.add(key);
}
