/**
 * `npm run chaos` (root) → `npm run chaos -w load`: the fault campaign against the service as shipped, on
 * real Postgres and Redis. Options: --clients <n> --cycles <n> --hostile <n> --only a,b --out <file>
 * Writes the report (Markdown) to --out (default load/RELIABILITY.md), keeping the hand-written sections of the file
 * it replaces (report.ts handWrittenSections), and prints it; exits 1 if any check fails.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { faults, runCampaign } from './campaign.ts';
import { defaultOptions, type CampaignOptions } from './lab.ts';
import { failedChecks, keptSections, renderReport } from './report.ts';

export function optionsFromArgs(argv: readonly string[]): { options: CampaignOptions; only: string[]; out: string } {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      clients: { type: 'string' },
      cycles: { type: 'string' },
      hostile: { type: 'string' },
      only: { type: 'string' },
      out: { type: 'string' },
    },
  });
  const count = (name: string, raw: string | undefined, fallback: number): number => {
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive integer, got ${raw}`);
    return value;
  };
  const known = faults.map(([key]) => key);
  const only = values.only === undefined ? [] : values.only.split(',');
  for (const key of only) if (!known.includes(key)) throw new Error(`--only: unknown fault ${key} (${known.join(', ')})`);
  return {
    options: {
      clients: count('clients', values.clients, defaultOptions.clients),
      cycles: count('cycles', values.cycles, defaultOptions.cycles),
      hostileRequests: count('hostile', values.hostile, defaultOptions.hostileRequests),
    },
    only,
    out: resolve(values.out ?? join(__dirname, '..', 'RELIABILITY.md')),
  };
}

async function main(): Promise<void> {
  const { options, only, out } = optionsFromArgs(process.argv.slice(2));
  const report = await runCampaign(options, only, (message) => process.stderr.write(`[chaos] ${message}\n`));
  const kept = existsSync(out) ? keptSections(readFileSync(out, 'utf8')) : '';
  const markdown = kept ? `${renderReport(report)}\n${kept}` : renderReport(report);
  writeFileSync(out, markdown);
  process.stdout.write(`${markdown}\nWritten to ${out}\n`);
  const failed = failedChecks(report);
  if (failed.length > 0) process.exitCode = 1;
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  });
}
