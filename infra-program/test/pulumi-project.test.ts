/**
 * How the Pulumi CLI will run this program, checked without the CLI: the runtime options of Pulumi.yaml,
 * the entry point it resolves (Pulumi.yaml `main` is a folder, so the folder's package.json `main`), that
 * `node --import tsx` loads that TypeScript entry, array-typed config, and a stack file the passphrase
 * provider can initialise for any user.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';

const root = join(__dirname, '..', '..');
const project = parse(readFileSync(join(root, 'Pulumi.yaml'), 'utf8'));

test('Pulumi.yaml runs TypeScript through tsx instead of the bundled ts-node', () => {
  // `typescript: false` stops @pulumi/pulumi's run script from registering ts-node (PULUMI_NODEJS_TYPESCRIPT);
  // `nodeargs` is passed to `node` as is, so the tsx loader is in place before the entry is required.
  assert.equal(project.runtime.options.typescript, false);
  assert.equal(project.runtime.options.nodeargs, '--import tsx');
});

test('the entry point Pulumi resolves from `main` is a TypeScript file that node --import tsx loads', () => {
  const programDir = join(root, project.main);
  const manifest = JSON.parse(readFileSync(join(programDir, 'package.json'), 'utf8'));
  assert.equal(manifest.type ?? 'commonjs', 'commonjs', 'the run script require()s CommonJS programs');
  assert.equal(manifest.exports, undefined, 'exports would take precedence over main');
  assert.ok(existsSync(join(programDir, manifest.main)), `${manifest.main} exists`);
  assert.ok(!existsSync(join(programDir, 'index.js')), 'no stale index.js shadows index.ts');
  // What the run script does for a CommonJS program, in a node started with the project's nodeargs:
  // resolve the entry from the program folder (tsx must resolve from there) and load it as TypeScript.
  const probe = spawnSync(
    process.execPath,
    [
      ...project.runtime.options.nodeargs.split(' '),
      '-e',
      `const p = require.resolve(${JSON.stringify(join(programDir, manifest.main))});
       require(${JSON.stringify(join(programDir, 'src', 'images.ts'))});
       process.stdout.write(p);`,
    ],
    { cwd: programDir, encoding: 'utf8' },
  );
  assert.equal(probe.status, 0, probe.stderr);
  assert.equal(probe.stdout, join(programDir, 'index.ts'));
});

test('array config is declared with its item type, as the project file schema requires', () => {
  for (const [key, spec] of Object.entries<any>(project.config)) {
    assert.ok(['string', 'boolean', 'integer', 'array'].includes(spec.type), key);
    if (spec.type === 'array') assert.equal(typeof spec.items?.type, 'string', `${key} declares items.type`);
  }
});

test('the file backend path is relative and the state folder is git-ignored', () => {
  // Pulumi makes a relative file:// path absolute against the working directory of the CLI (not the
  // project file), which is why README runs every command from the repository root.
  assert.equal(project.backend.url, 'file://./.pulumi-state');
  const ignored = readFileSync(join(root, '.gitignore'), 'utf8').split('\n');
  assert.ok(ignored.includes('.pulumi-state/'), '.pulumi-state/ is ignored at every depth');
});

test('Pulumi.dev.yaml asks for the passphrase provider and carries no salt of anyone else', () => {
  const stack = parse(readFileSync(join(root, 'Pulumi.dev.yaml'), 'utf8'));
  assert.equal(stack.secretsprovider, 'passphrase');
  // The CLI writes `encryptionsalt` when it creates the stack; a committed salt would tie every clone to
  // the passphrase of whoever created it first ("incorrect passphrase" for everyone else).
  assert.equal(stack.encryptionsalt, undefined);
  assert.equal(stack.encryptedkey, undefined);
});
