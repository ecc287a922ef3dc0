/**
 * How the Pulumi CLI will run this program, checked without the CLI: the runtime options of Pulumi.yaml,
 * the entry point it resolves (Pulumi.yaml `main` is a folder, so the folder's package.json `main`), that
 * `node --import tsx` loads that TypeScript entry, array-typed config, and a stack file the passphrase
 * provider can initialise for any user.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
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
    // simpleConfigType in pulumi/pulumi sdk/go/common/workspace/project.json; an object's default is a map.
    assert.ok(['string', 'boolean', 'integer', 'array', 'object'].includes(spec.type), key);
    if (spec.type === 'object') assert.ok(spec.default !== null && typeof spec.default === 'object' && !Array.isArray(spec.default), key);
    if (spec.type === 'array') assert.equal(typeof spec.items?.type, 'string', `${key} declares items.type`);
  }
});

/**
 * What the CLI does with `backend.url`, as read in pulumi/pulumi `pkg/backend/diy/backend.go`
 * (`massageBlobPath`): strip `file://`, keep the query, make the path absolute against the folder the CLI
 * runs in; then gocloud `blob/fileblob` (`URLOpener.forParams`, `openBucket`) rejects unknown query
 * parameters and creates a missing folder only when `create_dir` is non-empty.
 */
const fileblobParams = ['create_dir', 'dir_file_mode', 'no_tmp_dir', 'base_url', 'secret_key_path', 'metadata'];
function stateFolder(backendUrl: string, cliFolder: string): { folder: string; query: URLSearchParams } {
  assert.ok(backendUrl.startsWith('file://'), 'a local file:// backend');
  const [path = '', query = ''] = backendUrl.slice('file://'.length).split('?');
  return { folder: resolve(cliFolder, path), query: new URLSearchParams(query) };
}

test('the state folder is created on first use: a fresh clone runs `pulumi stack select --create` as is', () => {
  const { folder, query } = stateFolder(project.backend.url, root);
  for (const key of query.keys()) assert.ok(fileblobParams.includes(key), `fileblob knows ${key}`);
  assert.notEqual(query.get('create_dir') ?? '', '', 'create_dir is set: fileblob runs MkdirAll on a missing folder');
  assert.equal(folder, join(root, '.pulumi-state'), 'run from the repository root, state lands next to Pulumi.yaml');
});

test('the state path is relative, so it follows the folder pulumi runs in, and is git-ignored at any depth', () => {
  // Pulumi resolves it against the CLI's working folder, not Pulumi.yaml's: README says to run from the root.
  const { folder } = stateFolder(project.backend.url, join(root, 'infra-program'));
  assert.equal(folder, join(root, 'infra-program', '.pulumi-state'));
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
