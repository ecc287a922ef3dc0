import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const serviceRoot = join(__dirname, '..', '..', '..', 'service');

/** On a fresh clone the service is not built yet: build it the way `npm run build` at the root does. */
export function ensureServiceBuilt(): void {
  if (existsSync(join(serviceRoot, 'dist', 'main.js'))) return;
  const build = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-b', serviceRoot], { encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`building the service failed:\n${build.stdout}${build.stderr}`);
}
