/**
 * Offline validation of Kubernetes manifests against the OpenAPI schema of a pinned Kubernetes version, with a
 * kept library: `kubernetes-models` 5.1.0, whose validators are ajv compiled from the upstream OpenAPI spec of
 * Kubernetes 1.36.0 (merged with older specs only for API versions 1.36 no longer serves; the GA-only check
 * below keeps those out). It checks required fields, types, enums and formats (a quantity, an int-or-string);
 * it does not reject unknown fields (the upstream schema does not forbid them): the typings of
 * `@pulumi/kubernetes` do that at typecheck, for object literals.
 */
import { unwrap } from './graph';
import type { Recorded } from './harness';

/** What the validation reads of a registered resource (a harness record, or a test's own). */
export type RegisteredResource = Pick<Recorded, 'type' | 'name' | 'custom' | 'inputs'>;

export interface Manifest {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata?: { name?: string; namespace?: string; labels?: Record<string, string>; [key: string]: unknown };
  readonly [key: string]: unknown;
}

export interface SchemaProblem {
  readonly resource: string;
  readonly message: string;
}

/** `kubernetes:apps/v1:Deployment` -> group `apps`, version `v1`, kind `Deployment` (`core` is the legacy group). */
export function parseToken(type: string): { group: string; version: string; kind: string } | undefined {
  const match = /^kubernetes:([^/]+)\/([^:]+):(\w+)$/.exec(type);
  if (!match) return undefined;
  return { group: match[1]!, version: match[2]!, kind: match[3]! };
}

/** Every resource of the Kubernetes provider the program registered (the provider object itself aside). */
export function kubernetesResources<R extends RegisteredResource>(resources: readonly R[]): R[] {
  return resources.filter((r) => r.custom && r.type.startsWith('kubernetes:') && r.type !== 'pulumi:providers:kubernetes');
}

/** The manifest the provider would send for a registered resource: its inputs, secrets unwrapped. */
export function manifestOf(resource: RegisteredResource): Manifest {
  return unwrap(resource.inputs) as Manifest;
}

type ModelClass = new (data: unknown) => { validate(): void };

async function modelFor(group: string, version: string, kind: string): Promise<ModelClass | undefined> {
  const path = group === 'core' ? `kubernetes-models/${version}/${kind}` : `kubernetes-models/${group}/${version}/${kind}`;
  try {
    const module = (await import(path)) as Record<string, ModelClass>;
    return module[kind];
  } catch {
    return undefined;
  }
}

/**
 * The schema problems of one manifest, empty when it is valid. Refused besides the schema: a type the
 * validator does not know, an apiVersion/kind that does not match the resource's type, and an alpha or beta
 * API version (1.36 serves no removed API under a GA version; the merged older specs only add beta ones).
 */
export async function validateManifest(type: string, manifest: Manifest, resource = `${type} ${manifest.metadata?.name ?? ''}`): Promise<SchemaProblem[]> {
  const parsed = parseToken(type);
  if (!parsed) return [{ resource, message: `not a Kubernetes resource type: ${type}` }];
  const expectedApiVersion = parsed.group === 'core' ? parsed.version : `${parsed.group}/${parsed.version}`;
  const problems: SchemaProblem[] = [];
  if (manifest.apiVersion !== expectedApiVersion || manifest.kind !== parsed.kind) {
    problems.push({ resource, message: `apiVersion/kind ${manifest.apiVersion}/${manifest.kind}, expected ${expectedApiVersion}/${parsed.kind}` });
  }
  if (!/^v\d+$/.test(parsed.version)) problems.push({ resource, message: `${expectedApiVersion} is not a GA API version` });
  const Model = await modelFor(parsed.group, parsed.version, parsed.kind);
  if (!Model) return [...problems, { resource, message: `no schema for ${expectedApiVersion} ${parsed.kind} in Kubernetes 1.36` }];
  try {
    new Model(manifest).validate();
  } catch (error) {
    problems.push({ resource, message: error instanceof Error ? error.message : String(error) });
  }
  return problems;
}

/** The schema problems of every Kubernetes resource of a run. */
export async function validateAll(resources: readonly RegisteredResource[]): Promise<SchemaProblem[]> {
  const problems: SchemaProblem[] = [];
  for (const r of kubernetesResources(resources)) problems.push(...(await validateManifest(r.type, manifestOf(r), `${r.type} ${r.name}`)));
  return problems;
}
