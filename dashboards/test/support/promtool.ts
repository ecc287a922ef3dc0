/** Runs the real promtool (Debian's prometheus 2.42 here) on generated rule and test files. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';

export const promtoolPath = process.env.PROMTOOL ?? '/usr/bin/promtool';

export interface PromtoolResult {
  status: number | null;
  output: string;
}

export function runPromtool(args: string[], cwd: string): PromtoolResult {
  const result = spawnSync(promtoolPath, args, { cwd, encoding: 'utf8', timeout: 300_000 });
  if (result.error) throw result.error;
  return { status: result.status, output: `${result.stdout}\n${result.stderr}` };
}

export function writeYamlFiles(files: ReadonlyArray<{ fileName: string; content: unknown }>): string {
  const dir = mkdtempSync(join(tmpdir(), 'slo-rules-'));
  for (const file of files) writeFileSync(join(dir, file.fileName), stringify(file.content, { lineWidth: 0 }));
  return dir;
}

/**
 * A rule file without annotations: they carry `{{ $value }}` and promtool compares annotations exactly,
 * so the unit-tested copy leaves them out. Everything promtool evaluates (expr, for, labels) stays as is.
 */
export function withoutAnnotations(content: Record<string, unknown>): Record<string, unknown> {
  const groups = (content.groups as Array<{ rules: Array<Record<string, unknown>> }>).map((g) => ({
    ...g,
    rules: g.rules.map(({ annotations: _annotations, ...rule }) => rule),
  }));
  return { ...content, groups };
}
