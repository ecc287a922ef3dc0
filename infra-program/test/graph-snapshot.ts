/**
 * The program's whole graph under mocks, reduced to one digest per resource (type, name, parent, provider,
 * inputs and the options the engine acts on). A refactor must leave every digest as it was; a deliberate
 * change shows, in the fixture's diff, exactly which resources it touched.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { runProgram, type Recorded } from './harness';

/** The stacks the guard builds: both targets, bare and with a fault scenario and a detached k6 run. */
export const snapshotRuns: readonly { readonly label: string; readonly config: Record<string, string> }[] = [
  { label: 'docker', config: {} },
  { label: 'docker-faults', config: { faultScenario: 'db-latency', faults: JSON.stringify({ app: { errorRate: { ratio: 0.2 } } }), k6Scenario: 'soak' } },
  { label: 'kubernetes', config: { target: 'kubernetes' } },
  { label: 'kubernetes-faults', config: { target: 'kubernetes', faultScenario: 'cpu-hog', k6Scenario: 'soak' } },
];

export const snapshotStack = 'snapshot';

/** `label` -> `type::name` -> digest. */
export type GraphSnapshot = Record<string, Record<string, string>>;

const repositoryRoot = path.resolve(__dirname, '..', '..');

/** JSON with keys in a fixed order, so a digest does not depend on the order a component set its inputs. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function digestOf(resource: Recorded): string {
  const essence = {
    type: resource.type,
    name: resource.name,
    custom: resource.custom,
    parent: resource.parent,
    provider: resource.provider,
    inputs: resource.inputs,
    replaceOnChanges: [...resource.replaceOnChanges].sort(),
    ignoreChanges: [...resource.ignoreChanges].sort(),
    deleteBeforeReplace: resource.deleteBeforeReplace,
    dependencies: [...resource.dependencies].sort(),
  };
  // The clone's location is not part of the graph (the build context is an absolute path).
  const text = canonicalJson(essence).split(repositoryRoot).join('<repository>');
  return createHash('sha256').update(text).digest('hex');
}

export async function takeGraphSnapshot(): Promise<GraphSnapshot> {
  const snapshot: GraphSnapshot = {};
  for (const run of snapshotRuns) {
    const { resources } = await runProgram({ stack: snapshotStack, config: run.config });
    const byName: Record<string, string> = {};
    for (const resource of [...resources].sort((a, b) => (`${a.type}::${a.name}` < `${b.type}::${b.name}` ? -1 : 1))) {
      byName[`${resource.type}::${resource.name}`] = digestOf(resource);
    }
    snapshot[run.label] = byName;
  }
  return snapshot;
}

export const graphSnapshotFile = path.join(__dirname, 'fixtures', 'graph-snapshot.json');
