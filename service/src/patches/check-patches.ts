import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { requiredPatches, type RequiredPatch } from './required-patches';

/**
 * The directory of the copy of `packageName` that `require` finds from `fromDir`: the first
 * `node_modules/<name>` on Node's lookup path (a package's `exports` may hide its package.json from
 * `require.resolve`, so the directory is found as Node's resolver walks, not through it).
 */
export function packageDirFrom(packageName: string, fromDir: string): string | undefined {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', packageName);
    if (existsSync(join(candidate, 'package.json'))) return realpathSync(candidate);
    if (dirname(dir) === dir) return undefined;
  }
}

/** Why the copy at `packageDir` is not the patched one, or undefined when it is. */
export function patchProblem(patch: RequiredPatch, packageDir: string): string | undefined {
  const { version } = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { version: string };
  if (version !== patch.version) {
    return `${patch.packageName} ${version} at ${packageDir} is not ${patch.version}, the version patches/${patch.patchFile} is made for`;
  }
  for (const file of patch.files) {
    const path = join(packageDir, file);
    if (!existsSync(path) || !readFileSync(path, 'utf8').includes(patch.marker)) {
      return `${patch.packageName} ${version} at ${packageDir} is not patched (${file} lacks patches/${patch.patchFile})`;
    }
  }
  return undefined;
}

/** Every required patch missing from the copies `fromDir` resolves (the service's own directory by default). */
export function missingPatches(patches: readonly RequiredPatch[] = requiredPatches, fromDir: string = join(__dirname, '..', '..')): string[] {
  return patches.flatMap((patch) => {
    const dir = packageDirFrom(patch.packageName, fromDir);
    const problem = dir === undefined ? `${patch.packageName} is not installed` : patchProblem(patch, dir);
    return problem === undefined ? [] : [`${problem}: without it ${patch.why}`];
  });
}

/** Start-up: stops the process, saying why and what to run, when a required patch is missing. */
export function exitUnlessPatched(patches: readonly RequiredPatch[] = requiredPatches): void {
  const missing = missingPatches(patches);
  if (missing.length === 0) return;
  process.stderr.write(
    [
      'refusing to start: a required dependency patch is missing (see patches/README.md)',
      ...missing.map((line) => `- ${line}`),
      'The install skipped its postinstall (npm ci --ignore-scripts?): run `npx patch-package --error-on-fail` at the repository root.',
    ].join('\n') + '\n',
  );
  process.exit(1);
}
