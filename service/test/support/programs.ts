/**
 * The real programs the tests run beside the service, built here from their Go modules at the versions the
 * lab pins (`npm run programs` builds what is missing): the test talks to the program, not to a double.
 * A program that is not built fails the test that needs it, naming the command that builds it; it never
 * skips in silence.
 *
 * flagd is not here: the Go module proxy this machine reaches refuses github.com/open-feature/flagd/flagd at
 * v0.16.1 and its version list (403 "not available"); v0.16.0 downloads but needs flagd/core v0.15.6, refused
 * too, and core v0.15.5 needs open-feature-operator/api v0.2.47, refused too (checked 2026-12-07). The flag
 * tests keep flagd's sync API double (flag-sync-server.ts) for that reason.
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';

/** Built by `go build` inside the module as the Go module proxy serves it (its own go.mod and go.sum). */
export interface GoModuleProgram {
  readonly kind: 'go-module';
  /** The module path and version, as the proxy serves them. */
  readonly module: string;
  readonly moduleVersion: string;
  /** The main package, relative to the module root. */
  readonly mainPackage: string;
  /** `-X` settings the project's own release build passes (its version string, say). */
  readonly linkerSettings?: readonly string[];
}

export interface RealProgram {
  /** The version the lab pins (its image tag, without a leading v). */
  readonly version: string;
  readonly build: GoModuleProgram;
  /** The binary's file name in its folder. */
  readonly binary: string;
}

export const realPrograms = {
  toxiproxy: {
    version: '2.12.0',
    build: {
      kind: 'go-module',
      module: 'github.com/Shopify/toxiproxy/v2',
      moduleVersion: 'v2.12.0',
      mainPackage: 'cmd/server',
      // As its .goreleaser.yml sets it, so `-version` says 2.12.0.
      linkerSettings: ['github.com/Shopify/toxiproxy/v2.Version=2.12.0'],
    },
    binary: 'toxiproxy-server',
  },
} as const satisfies Record<string, RealProgram>;

export type RealProgramName = keyof typeof realPrograms;

/** Where built programs, the Go module cache and the Go build cache live: reused by every later run. */
export function labCacheDir(): string {
  return process.env.LAB_CACHE_DIR ?? path.join(homedir(), '.cache', 'observability-lab');
}

export function programFolder(name: RealProgramName): string {
  return path.join(labCacheDir(), 'programs', `${name}-${realPrograms[name].version}`);
}

export function programBinaryPath(name: RealProgramName): string {
  return path.join(programFolder(name), realPrograms[name].binary);
}

/** The built program's path; throws, naming the command that builds it, when it is not there. */
export function programPath(name: RealProgramName): string {
  const binary = programBinaryPath(name);
  if (!existsSync(binary)) {
    throw new Error(`${name} ${realPrograms[name].version} is not built (${binary} is missing): run \`npm run programs\``);
  }
  return binary;
}
