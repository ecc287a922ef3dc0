/**
 * schemathesis (PyPI), the API fuzzer the contract test runs against a live service. `.ci/run` installs the
 * version pinned in test/contract/requirements.txt into a venv in the lab's cache; `SCHEMATHESIS` names another
 * binary. Missing or at another version, it fails the test that needs it, naming how to install it: it never
 * skips in silence.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import { serviceRoot } from './service-process';

export const contractDirectory = path.join(serviceRoot, 'test', 'contract');
const requirements = path.join(contractDirectory, 'requirements.txt');
const defaultVenv = path.join(homedir(), '.cache', 'observability-lab', 'schemathesis');

export function pinnedSchemathesisVersion(): string {
  const pin = /^schemathesis==(\S+)$/m.exec(readFileSync(requirements, 'utf8'));
  if (!pin?.[1]) throw new Error(`${requirements} pins no schemathesis version`);
  return pin[1];
}

/** The binary at the pinned version, or an error that says how to install it. */
export function schemathesisBinary(): string {
  const binary = process.env.SCHEMATHESIS ?? path.join(defaultVenv, 'bin', 'schemathesis');
  const version = pinnedSchemathesisVersion();
  const install = `install it with \`bash .ci/run\`, or: python3 -m venv ${defaultVenv} && ${defaultVenv}/bin/pip install -r ${path.relative(process.cwd(), requirements)}`;
  const probe = spawnSync(binary, ['--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) throw new Error(`schemathesis ${version} not found at ${binary} (SCHEMATHESIS names another): ${install}`);
  if (!probe.stdout.includes(`version ${version}`)) throw new Error(`${binary} is ${probe.stdout.trim()}, the lab pins ${version}: ${install}`);
  return binary;
}

export interface SchemathesisRun {
  readonly code: number | null;
  readonly output: string;
}

/** `schemathesis run` in a scratch directory (Hypothesis and reports write there, not into the repository). */
export async function runSchemathesis(binary: string, args: readonly string[]): Promise<SchemathesisRun> {
  const scratch = mkdtempSync(path.join(tmpdir(), 'lab-schemathesis-'));
  try {
    const child = spawn(binary, ['--config-file', path.join(contractDirectory, 'schemathesis.toml'), '--no-color', 'run', ...args], {
      cwd: scratch,
      env: { ...process.env, PYTHONIOENCODING: 'utf-8' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', resolve);
    });
    return { code, output };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** The run's verdict as schemathesis prints it last, e.g. "Test cases: 412 generated, 412 passed". */
export function summaryOf(output: string): string {
  const cases = /Test cases:\s*\n\s*(.+)/.exec(output)?.[1]?.trim() ?? 'no test case count';
  const verdict = output.trim().split('\n').at(-1)?.replace(/=+/g, '').trim() ?? '';
  return `${cases} (${verdict})`;
}
