/**
 * `npm run programs`: builds each real program the tests run that is not built yet, or was built from another
 * recipe than `realPrograms` now gives, from the Go module proxy into the lab's cache (GOMODCACHE and GOCACHE
 * there too, so a second run on the same machine takes seconds), and prints one line per binary (Alertmanager
 * ships two): name, version, absolute path, tab-separated. A failed build names the program and shows Go's
 * error; the command then exits 1 after trying the others.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import {
  labCacheDir,
  programBinaries,
  programBinaryPath,
  programFolder,
  realPrograms,
  type CollectorBuilderProgram,
  type GoModuleProgram,
  type RealProgram,
  type RealProgramName,
} from '../test/support/programs';
import { collectorBuilderManifest } from './collector-builder-manifest';

const goEnvironment = {
  ...process.env,
  GOMODCACHE: path.join(labCacheDir(), 'go', 'mod'),
  GOCACHE: path.join(labCacheDir(), 'go', 'cache'),
  // Module files stay deletable (rm -rf of the cache works without chmod).
  GOFLAGS: '-modcacherw',
};

interface Run {
  ok: boolean;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], cwd: string): Run {
  const result = spawnSync(command, args, { cwd, env: goEnvironment, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.error) return { ok: false, stdout: '', stderr: `${command} could not be run: ${result.error.message}` };
  return { ok: result.status === 0, stdout: result.stdout, stderr: result.stderr };
}

const go = (args: string[], cwd: string) => run('go', args, cwd);

/** Downloads a module (no version list is asked for: the proxy refuses some lists) and returns its folder. */
function downloadModule(module: string, version: string): { dir: string } | { error: string } {
  const downloaded = go(['mod', 'download', '-json', `${module}@${version}`], labCacheDir());
  if (!downloaded.ok) return { error: downloaded.stderr || downloaded.stdout };
  return { dir: (JSON.parse(downloaded.stdout) as { Dir: string }).Dir };
}

/** Builds each main package of the module, in the module as served, or in a copy with the embeds it lacks. */
function buildGoModule(build: GoModuleProgram, folder: string, binaryPath: (binary: string) => string): string | undefined {
  const downloaded = downloadModule(build.module, build.moduleVersion);
  if ('error' in downloaded) return downloaded.error;
  let moduleDir = downloaded.dir;
  if (build.embedPlaceholders) {
    // The module cache is never written to (go verifies it); the copy lives beside the binaries.
    moduleDir = path.join(folder, 'source');
    rmSync(moduleDir, { recursive: true, force: true });
    cpSync(downloaded.dir, moduleDir, { recursive: true });
    for (const [file, content] of Object.entries(build.embedPlaceholders)) {
      mkdirSync(path.dirname(path.join(moduleDir, file)), { recursive: true });
      writeFileSync(path.join(moduleDir, file), content);
    }
  }
  const linkerFlags = (build.linkerSettings ?? []).map((setting) => `-X ${setting}`).join(' ');
  const tags = build.buildTags?.length ? ['-tags', build.buildTags.join(',')] : [];
  for (const [binary, mainPackage] of Object.entries(build.mainPackages)) {
    const built = go(['build', '-trimpath', ...tags, '-ldflags', linkerFlags, '-o', binaryPath(binary), `./${mainPackage}`], moduleDir);
    if (!built.ok) return built.stderr;
  }
  return undefined;
}

/** Builds the Collector builder, writes the distribution's manifest, and lets the builder generate and compile it. */
function buildCollectorDistribution(build: CollectorBuilderProgram, folder: string, binaryPath: string): string | undefined {
  const downloaded = downloadModule(build.builder.module, build.builder.version);
  if ('error' in downloaded) return downloaded.error;
  const builder = path.join(folder, 'ocb');
  const builtBuilder = go(['build', '-trimpath', '-o', builder, '.'], downloaded.dir);
  if (!builtBuilder.ok) return builtBuilder.stderr;
  const source = path.join(folder, 'source');
  const manifest = path.join(folder, 'builder-manifest.yaml');
  writeFileSync(manifest, stringify(collectorBuilderManifest(build, source)));
  // The builder's own steps: generate the source, `go mod tidy`, check each component's version against
  // the core it resolved (strict versioning), `go mod download`, `go build -trimpath -ldflags="-s -w"`.
  const generated = run(builder, ['--config', manifest], folder);
  if (!generated.ok) return `${generated.stderr}${generated.stdout}`;
  cpSync(path.join(source, build.distribution.name), binaryPath);
  return undefined;
}

function buildProgram(name: RealProgramName): string | undefined {
  const { build } = realPrograms[name] as RealProgram;
  const folder = programFolder(name);
  mkdirSync(folder, { recursive: true });
  return build.kind === 'go-module'
    ? buildGoModule(build, folder, (binary) => programBinaryPath(name, binary))
    : buildCollectorDistribution(build, folder, programBinaryPath(name));
}

/** What a program was built from, kept beside it: a changed recipe (a component added, say) builds it again. */
const recipeFile = (name: RealProgramName) => path.join(programFolder(name), 'recipe.json');
const recipeOf = (name: RealProgramName) => `${JSON.stringify(realPrograms[name], null, 2)}\n`;

function isBuilt(name: RealProgramName): boolean {
  if (!programBinaries(name).every((binary) => existsSync(programBinaryPath(name, binary)))) return false;
  return existsSync(recipeFile(name)) && readFileSync(recipeFile(name), 'utf8') === recipeOf(name);
}

let failed = 0;
mkdirSync(labCacheDir(), { recursive: true });
for (const name of Object.keys(realPrograms) as RealProgramName[]) {
  const { version } = realPrograms[name];
  if (!isBuilt(name)) {
    const started = Date.now();
    rmSync(recipeFile(name), { force: true });
    const error = buildProgram(name);
    if (error !== undefined) {
      failed += 1;
      process.stderr.write(`${name} ${version}: the build failed:\n${error}\n`);
      continue;
    }
    writeFileSync(recipeFile(name), recipeOf(name));
    process.stderr.write(`${name} ${version}: built in ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
  }
  // One line per binary, named by the program when it ships one (toxiproxy, collector), else by the binary.
  const binaries = programBinaries(name);
  for (const binary of binaries) process.stdout.write(`${binaries.length === 1 ? name : binary}\t${version}\t${programBinaryPath(name, binary)}\n`);
}
process.exitCode = failed > 0 ? 1 : 0;
