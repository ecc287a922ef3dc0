/**
 * The dependency patches (patches/, see patches/README.md) the service cannot run without. Each is applied by
 * patch-package at install (the root `postinstall`, and the image build) and checked at start-up
 * (check-patches.ts): an install that skipped it (`npm ci --ignore-scripts`) stops the service with a message
 * instead of running the unpatched code. Listing or dropping a patch is one entry here.
 */
export interface RequiredPatch {
  /** The npm package the patch changes, as npm names it. */
  readonly packageName: string;
  /** The version the patch was made against (npm `overrides` pin every copy to it). */
  readonly version: string;
  /** Its file in patches/. */
  readonly patchFile: string;
  /** Files inside the package, each of which the patch changes and must contain `marker` once applied. */
  readonly files: readonly string[];
  /** A line the patch adds, found in no released version. */
  readonly marker: string;
  /** Packages that import it: the copy each of them resolves must be patched (the tests resolve from each). */
  readonly consumers: readonly string[];
  /** What goes wrong without it, for the start-up message. */
  readonly why: string;
}

export const requiredPatches: readonly RequiredPatch[] = [
  {
    packageName: 'postgres',
    version: '3.4.9',
    patchFile: 'postgres+3.4.9.patch',
    files: ['cjs/src/connection.js', 'src/connection.js', 'cf/src/connection.js'],
    marker: 'A reserved connection (a transaction\'s rollback) whose socket has closed',
    consumers: ['@lab/service', 'drizzle-orm'],
    why: 'a connection closing under load (a Postgres restart) throws from a timer and ends the process',
  },
];
