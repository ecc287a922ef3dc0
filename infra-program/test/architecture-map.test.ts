/**
 * ARCHITECTURE.md's map stays true for the tree: every repository path it names exists, and every subpath it
 * lists as a package's export is one that package's `exports` declares.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

const repositoryRoot = path.resolve(__dirname, '..', '..');
const map = readFileSync(path.join(repositoryRoot, 'ARCHITECTURE.md'), 'utf8');
const workspaces = ['service', 'dashboards', 'load', 'infra-program'];

test('every path ARCHITECTURE.md names exists (a `<name>` placeholder: its folder does)', () => {
  const paths = [...map.matchAll(/`([^`\s]+)`/g)]
    .map((match) => match[1]!)
    .filter((text) => workspaces.some((w) => text.startsWith(`${w}/`)) || ['Pulumi.yaml', '.dependency-cruiser.cjs'].includes(text));
  assert.ok(paths.length >= 20, `found ${paths.length} paths`);
  for (const named of paths) {
    const existing = named.includes('<') ? named.slice(0, named.indexOf('<')) : named;
    assert.ok(existsSync(path.join(repositoryRoot, existing)), `${named} does not exist`);
  }
});

test("the exports ARCHITECTURE.md lists are each package's exports", () => {
  for (const workspace of workspaces) {
    const manifest = JSON.parse(readFileSync(path.join(repositoryRoot, workspace, 'package.json'), 'utf8')) as { name: string; exports?: Record<string, string> };
    const row = map.split('\n').find((line) => line.startsWith(`| \`${manifest.name}\` |`));
    assert.ok(row, `a row for ${manifest.name}`);
    const listed = [...row.split('|')[2]!.matchAll(/`([^`]+)`/g)].map((match) => match[1]!).sort();
    assert.deepEqual(listed, Object.keys(manifest.exports ?? {}).sort(), manifest.name);
    for (const target of Object.values(manifest.exports ?? {})) assert.ok(existsSync(path.join(repositoryRoot, workspace, target)), `${manifest.name}: ${target}`);
  }
});
