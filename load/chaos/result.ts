import type { LedgerResult } from './ledger.ts';
import { is5xx, type Sample } from './samples.ts';
import type { Settlement } from './settle.ts';
import { byPhase, latencySummary, outcomeCounts, type LatencySummary, type PhaseMark } from './stats.ts';
import type { Death } from './replica.ts';

/** One thing the campaign requires; any check that fails makes the campaign exit non-zero. */
export interface Check {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
}

export interface FaultResult {
  readonly name: string;
  readonly description: string;
  readonly durationMs: number;
  readonly requests: number;
  readonly outcomes: Record<string, number>;
  /** Latency of answered requests sent while the fault lasted, and after the dependency came back. */
  readonly during: LatencySummary;
  readonly after: LatencySummary;
  /** Replicas that died without being asked to. */
  readonly deaths: readonly Death[];
  /** Per return of the dependency: ms to the first 2xx (null: none before the next fault or the end). */
  readonly recovery?: { readonly what: string; readonly ms: ReadonlyArray<number | null> };
  /** Per return: ms after it until the last failed request (no answer, 5xx) among those that count. */
  readonly failingAfterReturnMs?: readonly number[];
  /** 5xx statuses this fault may answer (503 during a database outage or a shutdown). */
  readonly allowed5xx: readonly number[];
  readonly ledger?: LedgerResult;
  readonly settlement?: Settlement;
  /** Fault-specific facts (exit code, time to exit, accepted tasks ...). */
  readonly facts: ReadonlyArray<readonly [string, string]>;
  readonly checks: readonly Check[];
  /** The targets that are measured and shown but do not fail the campaign (latency, recovery time). */
  readonly goals: readonly Check[];
}

/** The common part of a fault's result, computed from its samples and phase marks. */
export function summarise(samples: readonly Sample[], marks: readonly PhaseMark[]) {
  return {
    requests: samples.length,
    outcomes: outcomeCounts(samples),
    during: latencySummary(byPhase(samples, marks, 'during')),
    after: latencySummary(byPhase(samples, marks, 'after')),
  };
}

/** The checks every fault gets: no unexpected 5xx, no crash (unless the fault is a shutdown), a clean ledger. */
export function commonChecks(
  samples: readonly Sample[],
  allowed5xx: readonly number[],
  deaths: readonly Death[],
  ledger: LedgerResult | undefined,
): Check[] {
  const unexpected = samples.filter((s) => is5xx(s) && !allowed5xx.includes(s.status!));
  const statuses = [...new Set(unexpected.map((s) => s.status))].sort().join(', ');
  const checks: Check[] = [
    {
      name: allowed5xx.length > 0 ? `no 5xx but ${allowed5xx.join('/')}` : 'no 5xx',
      ok: unexpected.length === 0,
      detail: unexpected.length === 0 ? 'none' : `${unexpected.length} (${statuses})`,
    },
    {
      name: 'process survived',
      ok: deaths.length === 0,
      detail: deaths.length === 0 ? 'yes' : deaths.map((d) => `exit ${d.exitCode ?? d.signal}`).join('; '),
    },
  ];
  if (ledger) checks.push(ledgerCheck(ledger));
  return checks;
}

export function ledgerCheck(ledger: LedgerResult): Check {
  const problems = [
    ledger.missing.length > 0 ? `${ledger.missing.length} acknowledged missing` : '',
    ledger.duplicated.length > 0 ? `${ledger.duplicated.length} duplicated` : '',
    ledger.unacknowledged.length > 0 ? `${ledger.unacknowledged.length} stored but not acknowledged` : '',
    ledger.mismatched.length > 0 ? `${ledger.mismatched.length} stored unlike acknowledged` : '',
    ledger.unresolved.length > 0 ? `${ledger.unresolved.length} outcomes never learned` : '',
    ...ledger.stock.filter((s) => s.expected !== s.actual).map((s) => `item ${s.itemId} stock ${s.actual}, expected ${s.expected}`),
  ].filter(Boolean);
  return {
    name: 'ledger',
    ok: ledger.ok,
    detail: ledger.ok ? `${ledger.acknowledged} acknowledged = ${ledger.rows} stored, stock matches` : problems.join('; '),
  };
}
