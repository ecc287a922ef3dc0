/**
 * `npm run programs`: builds each real program the tests run that is not built yet, from the Go module proxy,
 * into the lab's cache (GOMODCACHE and GOCACHE there too, so a second run on the same machine takes seconds),
 * and prints one line per program: name, version, absolute path, tab-separated. A failed build names the
 * program and shows Go's error; the command then exits 1 after trying the others.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { labCacheDir, programBinaryPath, programFolder, realPrograms, type RealProgramName } from '../test/support/programs';

const goEnvironment = {
  ...process.env,
  GOMODCACHE: path.join(labCacheDir(), 'go', 'mod'),
  GOCACHE: path.join(labCacheDir(), 'go', 'cache'),
  // Module files stay deletable (rm -rf of the cache works without chmod).
  GOFLAGS: '-modcacherw',
};

function go(args: string[], cwd: string): { ok: boolean; stdout: string; stderr: string } {
  const result = spawnSync('go', args, { cwd, env: goEnvironment, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.error) return { ok: false, stdout: '', stderr: `go could not be run: ${result.error.message}` };
  return { ok: result.status === 0, stdout: result.stdout, stderr: result.stderr };
}

/** Downloads the module (no version list is asked for: the proxy refuses some lists) and builds its main package. */
function buildGoModule(name: RealProgramName): string | undefined {
  const { build } = realPrograms[name];
  const downloaded = go(['mod', 'download', '-json', `${build.module}@${build.moduleVersion}`], labCacheDir());
  if (!downloaded.ok) return downloaded.stderr || downloaded.stdout;
  const moduleDir = (JSON.parse(downloaded.stdout) as { Dir: string }).Dir;
  mkdirSync(programFolder(name), { recursive: true });
  const linkerFlags = (build.linkerSettings ?? []).map((setting) => `-X ${setting}`).join(' ');
  const built = go(['build', '-trimpath', '-ldflags', linkerFlags, '-o', programBinaryPath(name), `./${build.mainPackage}`], moduleDir);
  return built.ok ? undefined : built.stderr;
}

let failed = 0;
mkdirSync(labCacheDir(), { recursive: true });
for (const name of Object.keys(realPrograms) as RealProgramName[]) {
  if (!existsSync(programBinaryPath(name))) {
    const started = Date.now();
    const error = buildGoModule(name);
    if (error !== undefined) {
      failed += 1;
      process.stderr.write(`${name} ${realPrograms[name].version}: the build failed:\n${error}\n`);
      continue;
    }
    process.stderr.write(`${name} ${realPrograms[name].version}: built in ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
  }
  process.stdout.write(`${name}\t${realPrograms[name].version}\t${programBinaryPath(name)}\n`);
}
process.exitCode = failed > 0 ? 1 : 0;
