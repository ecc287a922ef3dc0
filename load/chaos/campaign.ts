import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { collectorOutage } from './faults/collector.ts';
import { hostileInput } from './faults/hostile.ts';
import { postgresRestarts } from './faults/postgres.ts';
import { redisRestart } from './faults/redis.ts';
import { shutdownUnderLoad } from './faults/shutdown.ts';
import { taskFlood } from './faults/task-flood.ts';
import { startLab, type CampaignOptions, type Lab } from './lab.ts';
import { describeMachine } from './machine.ts';
import type { CampaignReport } from './report.ts';
import type { FaultResult } from './result.ts';

export type Fault = (lab: Lab) => Promise<FaultResult>;

/** The campaign, in order. Each fault starts its own replica; the ledger runs on after each one. */
export const faults: ReadonlyArray<readonly [string, Fault]> = [
  ['postgres-fast', (lab) => postgresRestarts(lab, 'fast')],
  ['postgres-immediate', (lab) => postgresRestarts(lab, 'immediate')],
  ['redis', redisRestart],
  ['collector-unreachable', (lab) => collectorOutage(lab, 'unreachable')],
  ['collector-black-hole', (lab) => collectorOutage(lab, 'black-hole')],
  ['sigterm', (lab) => shutdownUnderLoad(lab, 'healthy')],
  ['sigterm-collector-unreachable', (lab) => shutdownUnderLoad(lab, 'unreachable')],
  ['sigterm-collector-black-hole', (lab) => shutdownUnderLoad(lab, 'black-hole')],
  ['hostile', hostileInput],
  ['task-flood', taskFlood],
];

/** A fault that could not run to its end is a failed check, not the end of the campaign. */
function abortedFault(name: string, error: unknown): FaultResult {
  const detail = error instanceof Error ? error.message : String(error);
  return {
    name,
    description: 'the fault could not run to its end',
    durationMs: 0,
    requests: 0,
    outcomes: {},
    during: { count: 0, p50Ms: Number.NaN, p99Ms: Number.NaN },
    after: { count: 0, p50Ms: Number.NaN, p99Ms: Number.NaN },
    deaths: [],
    allowed5xx: [],
    facts: [],
    checks: [{ name: 'ran to its end', ok: false, detail: detail.slice(0, 500) }],
    goals: [],
  };
}

const commit = (): string => {
  const git = (...args: string[]) => execFileSync('git', args, { cwd: __dirname, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  try {
    const sha = git('rev-parse', '--short', 'HEAD');
    const dirty = git('status', '--porcelain', '--', join(__dirname, '..', '..', 'service', 'src')) !== '';
    return dirty ? `${sha} (with uncommitted changes in service/src)` : sha;
  } catch {
    return 'unknown';
  }
};

export async function runCampaign(options: CampaignOptions, only: readonly string[], log: (message: string) => void): Promise<CampaignReport> {
  const startedAt = new Date().toISOString();
  const started = performance.now();
  const lab = await startLab(options, log);
  try {
    const machine = await describeMachine(lab.postgres.url, lab.redis.url);
    const results: FaultResult[] = [];
    for (const [key, fault] of faults) {
      if (only.length > 0 && !only.includes(key)) continue;
      const result = await fault(lab).catch((error: unknown) => abortedFault(key, error));
      results.push(result);
      const failed = result.checks.filter((c) => !c.ok);
      log(`${result.name}: ${result.requests} requests, ${failed.length === 0 ? 'all checks pass' : `FAILED: ${failed.map((c) => `${c.name} (${c.detail.slice(0, 200)})`).join('; ')}`}`);
    }
    return { startedAt, durationMs: performance.now() - started, machine, options, commit: commit(), faults: results };
  } finally {
    await lab.dispose();
  }
}
