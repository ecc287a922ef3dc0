/**
 * The architecture rules `npm test` runs (.dependency-cruiser.cjs, dependency-cruiser) catch what they are
 * for: shown on a scratch tree laid out like the repository, one violation of each kind, and a clean tree.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';

const repositoryRoot = path.resolve(__dirname, '..', '..');
const depcruise = path.join(repositoryRoot, 'node_modules', '.bin', 'depcruise');
const scratchRoots: string[] = [];

after(() => scratchRoots.forEach((root) => rmSync(root, { recursive: true, force: true })));

/** Runs the repository's rules on a tree of the given files; returns the rule names reported. */
function violations(files: Record<string, string>): string[] {
  const root = mkdtempSync(path.join(tmpdir(), 'architecture-'));
  scratchRoots.push(root);
  const tree: Record<string, string> = {
    'tsconfig.depcruise.json': JSON.stringify({ compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext', allowImportingTsExtensions: true, noEmit: true } }),
    'service/src/config.ts': 'export const port = 8080;\n',
    'infra-program/src/container.ts': 'export interface PlatformPart { name: string }\n',
    'infra-program/src/targets/docker/index.ts': "import type { PlatformPart } from '../../container';\nexport const parts: PlatformPart[] = [];\n",
    ...files,
  };
  for (const [file, content] of Object.entries(tree)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), content);
  }
  const result = spawnSync(
    depcruise,
    ['service', 'infra-program', ...(files['dashboards/src/index.ts'] ? ['dashboards'] : []), '--config', path.join(repositoryRoot, '.dependency-cruiser.cjs'), '--output-type', 'json'],
    { cwd: root, encoding: 'utf8' },
  );
  const report = JSON.parse(result.stdout) as { summary: { violations: { rule: { name: string } }[] } };
  return [...new Set(report.summary.violations.map((v) => v.rule.name))].sort();
}

test('a clean tree passes', () => {
  assert.deepEqual(violations({ 'infra-program/src/components/app.ts': "import type { PlatformPart } from '../container';\nexport const app: PlatformPart = { name: 'app' };\n" }), []);
});

test('a relative import into another workspace is refused', () => {
  assert.deepEqual(violations({ 'infra-program/src/components/app.ts': "import { port } from '../../../service/src/config';\nexport const app = port;\n" }), [
    'relative-import-across-workspaces',
  ]);
});

test('a cycle between files is refused', () => {
  assert.deepEqual(
    violations({
      'infra-program/src/a.ts': "import { b } from './b';\nexport const a = () => b;\n",
      'infra-program/src/b.ts': "import { a } from './a';\nexport const b = () => a;\n",
    }),
    ['no-cycle'],
  );
});

test('a component that imports a target is refused', () => {
  assert.deepEqual(violations({ 'infra-program/src/components/app.ts': "import { parts } from '../targets/docker';\nexport const app = parts;\n" }), [
    'neutral-layer-knows-no-target',
  ]);
});

test('the dashboards reading the program is refused', () => {
  assert.deepEqual(
    violations({
      'dashboards/src/index.ts': "import { parts } from '../../infra-program/src/targets/docker';\nexport const panels = parts;\n",
    }),
    ['dashboards-below-the-program', 'relative-import-across-workspaces'],
  );
});
