/**
 * The dependency patches the service needs (src/patches/required-patches.ts) are applied wherever it runs:
 * every copy of a patched package in the install is patched (a nested copy after an `npm update` fails here,
 * named), each consumer resolves a patched copy, and a service whose install skipped the patches refuses to
 * start, saying why.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { missingPatches, packageDirFrom, patchProblem } from '../src/patches/check-patches';
import { requiredPatches } from '../src/patches/required-patches';
import { serviceRoot } from './support/service-process';

const repositoryRoot = join(serviceRoot, '..');

/** Every installed copy of `name` under `nodeModules`, nested ones included. */
function copiesOf(name: string, nodeModules: string): string[] {
  if (!existsSync(nodeModules)) return [];
  const found: string[] = [];
  const own = join(nodeModules, name);
  if (existsSync(join(own, 'package.json'))) found.push(own);
  for (const entry of readdirSync(nodeModules, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
    const packages = entry.name.startsWith('@')
      ? readdirSync(join(nodeModules, entry.name), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => join(nodeModules, entry.name, e.name))
      : [join(nodeModules, entry.name)];
    for (const dir of packages) found.push(...copiesOf(name, join(dir, 'node_modules')));
  }
  return found;
}

describe('required dependency patches', () => {
  it('lists patches that exist in patches/ for the version installed', () => {
    for (const patch of requiredPatches) {
      assert.ok(existsSync(join(repositoryRoot, 'patches', patch.patchFile)), `patches/${patch.patchFile}`);
      assert.ok(readFileSync(join(repositoryRoot, 'patches', patch.patchFile), 'utf8').includes(patch.marker), `${patch.patchFile} adds its marker`);
    }
  });

  it('pins each patched package to its patch\'s version with npm overrides, so the install holds one copy', () => {
    const { overrides = {} } = JSON.parse(readFileSync(join(repositoryRoot, 'package.json'), 'utf8')) as { overrides?: Record<string, unknown> };
    for (const patch of requiredPatches) assert.equal(overrides[patch.packageName], patch.version, `overrides.${patch.packageName}`);
  });

  it('installs patch-package as a dependency of the root, so `npm ci --omit=dev` applies the patches', () => {
    const root = JSON.parse(readFileSync(join(repositoryRoot, 'package.json'), 'utf8')) as { dependencies?: Record<string, string>; scripts: Record<string, string> };
    assert.ok(root.dependencies?.['patch-package'], 'patch-package is not a production dependency of the root');
    assert.equal(root.scripts.postinstall, 'patch-package --error-on-fail');
  });

  for (const patch of requiredPatches) {
    it(`${patch.packageName}: every installed copy is ${patch.version} and patched`, () => {
      const copies = copiesOf(patch.packageName, join(repositoryRoot, 'node_modules'));
      assert.ok(copies.length >= 1, `no copy of ${patch.packageName} installed`);
      for (const copy of copies) assert.equal(patchProblem(patch, copy), undefined, copy);
    });

    for (const consumer of patch.consumers) {
      it(`${patch.packageName}: the copy ${consumer} resolves is the patched one`, () => {
        const consumerDir = consumer === '@lab/service' ? serviceRoot : packageDirFrom(consumer, serviceRoot);
        assert.ok(consumerDir, `${consumer} is not installed`);
        const dir = packageDirFrom(patch.packageName, consumerDir);
        assert.ok(dir, `${patch.packageName} does not resolve from ${consumerDir}`);
        assert.equal(patchProblem(patch, dir), undefined);
        // And it is the very file Node loads from there.
        const loaded = realpathSync(require.resolve(patch.packageName, { paths: [consumerDir] }));
        assert.ok(loaded.startsWith(`${dir}/`), `${consumer} loads ${loaded}, outside ${dir}`);
      });
    }
  }

  it('finds nothing missing in this install', () => {
    assert.deepEqual(missingPatches(), []);
  });

  it('names a copy of the wrong version', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lab-patch-version-'));
    try {
      const patch = requiredPatches[0] ?? { packageName: 'p', version: '1.0.0', patchFile: 'p+1.0.0.patch', files: [], marker: 'x', consumers: [], why: '' };
      writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: patch.packageName, version: '0.0.1' }));
      assert.match(patchProblem(patch, dir) ?? '', new RegExp(`0\\.0\\.1 at .* is not ${patch.version.replaceAll('.', '\\.')}`));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the built service refuses to start, naming the patch, when its install skipped it (as --ignore-scripts does)', { skip: requiredPatches.length === 0 && 'no patch is required' }, () => {
    const patch = requiredPatches[0]!;
    // A copy of the built service on an install identical to this one but for the patched package, unpatched.
    const app = mkdtempSync(join(tmpdir(), 'lab-unpatched-'));
    try {
      cpSync(join(serviceRoot, 'dist'), join(app, 'service', 'dist'), { recursive: true });
      cpSync(join(serviceRoot, 'package.json'), join(app, 'service', 'package.json'));
      const realModules = join(repositoryRoot, 'node_modules');
      mkdirSync(join(app, 'node_modules'));
      const [scope, name] = patch.packageName.startsWith('@') ? patch.packageName.split('/') : [undefined, patch.packageName];
      for (const entry of readdirSync(realModules)) {
        if (entry === (scope ?? name) || entry.startsWith('.')) continue;
        symlinkSync(join(realModules, entry), join(app, 'node_modules', entry));
      }
      if (scope) {
        mkdirSync(join(app, 'node_modules', scope));
        for (const entry of readdirSync(join(realModules, scope)).filter((e) => e !== name)) {
          symlinkSync(join(realModules, scope, entry), join(app, 'node_modules', scope, entry));
        }
      }
      const unpatched = join(app, 'node_modules', patch.packageName);
      cpSync(packageDirFrom(patch.packageName, serviceRoot)!, unpatched, { recursive: true });
      for (const file of patch.files) {
        const path = join(unpatched, file);
        writeFileSync(path, readFileSync(path, 'utf8').replaceAll(patch.marker, 'unpatched'));
      }
      const started = spawnSync(process.execPath, [join(app, 'service', 'dist', 'main.js')], {
        cwd: join(app, 'service'),
        env: { PATH: process.env.PATH ?? '', DATABASE_URL: 'postgres://127.0.0.1:1/none', REDIS_URL: 'redis://127.0.0.1:1' },
        encoding: 'utf8',
        timeout: 30_000,
      });
      assert.equal(started.status, 1, started.stderr);
      assert.match(started.stderr, /^refusing to start: a required dependency patch is missing/);
      assert.match(started.stderr, new RegExp(`${patch.packageName} ${patch.version.replaceAll('.', '\\.')} at .* is not patched \\(.* lacks patches/${patch.patchFile.replaceAll('.', '\\.').replaceAll('+', '\\+')}\\): without it`));
      assert.match(started.stderr, /npx patch-package --error-on-fail/);
    } finally {
      rmSync(app, { recursive: true, force: true });
    }
  });
});
