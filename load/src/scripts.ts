import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { ScenarioName } from './scenarios';

/** Where the infra program uploads the scripts inside the k6 container. */
export const k6ScriptDir = '/scripts';

/** The k6 sources on disk, next to this package's src/. */
export const k6SourceDir = join(__dirname, '..', 'k6');

export interface K6Script {
  /** Path relative to k6ScriptDir, '/'-separated. */
  readonly path: string;
  readonly content: string;
}

/** Files k6 runs: TypeScript modules, not declaration files (type-checking only) nor tsconfig. */
function isShipped(fileName: string): boolean {
  return fileName.endsWith('.ts') && !fileName.endsWith('.d.ts');
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) return walk(full);
    return entry.isFile() && isShipped(entry.name) ? [full] : [];
  });
}

/**
 * Every file the k6 container needs, read from disk at call time (so an edited script is picked up by the
 * next `pulumi up`), in a stable order so uploads do not churn.
 */
export function k6Scripts(): ReadonlyArray<K6Script> {
  return walk(k6SourceDir)
    .map((file) => ({ path: relative(k6SourceDir, file).split(sep).join('/'), content: readFileSync(file, 'utf8') }))
    .sort((a, b) => a.path.localeCompare(b.path));
}

/** The entry script of a scenario, relative to k6ScriptDir. */
export function scenarioScriptPath(scenario: ScenarioName): string {
  return `scenarios/${scenario}.ts`;
}
