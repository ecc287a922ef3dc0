import { table } from '../bench/report.ts';
import type { CampaignOptions } from './lab.ts';
import type { Machine } from './machine.ts';
import type { Check, FaultResult } from './result.ts';
import type { LatencySummary } from './stats.ts';

export interface CampaignReport {
  readonly startedAt: string;
  readonly durationMs: number;
  readonly machine: Machine;
  readonly options: CampaignOptions;
  readonly commit: string;
  readonly faults: readonly FaultResult[];
}

/** Every failed check, named by its fault: the campaign fails if there is any. */
export function failedChecks(report: Pick<CampaignReport, 'faults'>): string[] {
  return report.faults.flatMap((f) => f.checks.filter((c) => !c.ok).map((c) => `${f.name}: ${c.name} (${c.detail})`));
}

const cell = (text: string) => text.replaceAll('|', '\\|').replaceAll('\n', ' ');
const ms = (value: number) => (Number.isFinite(value) ? `${Math.round(value)}` : '–');
const latency = (l: LatencySummary) => (l.count === 0 ? '–' : `${ms(l.p50Ms)} / ${ms(l.p99Ms)}`);
const mark = (check: Check) => (check.ok ? '✔' : '✘');

function recovery(f: FaultResult): string {
  if (!f.recovery) return '–';
  return f.recovery.ms.map((v) => (v === null ? 'never' : `${Math.round(v)} ms`)).join(', ');
}

function outcomes(f: FaultResult): string {
  return Object.entries(f.outcomes)
    .map(([k, v]) => `${k}: ${v}`)
    .join(', ');
}

function section(f: FaultResult): string {
  const lines = [`### ${f.name}`, '', f.description, ''];
  lines.push(`- requests: ${f.requests} in ${(f.durationMs / 1000).toFixed(1)} s; ${outcomes(f)}`);
  lines.push(`- latency p50 / p99 (ms): during ${latency(f.during)} (${f.during.count} answered), after ${latency(f.after)} (${f.after.count} answered)`);
  if (f.recovery) lines.push(`- recovery (${f.recovery.what}): ${recovery(f)}`);
  if (f.failingAfterReturnMs) lines.push(`- failures (no answer or 5xx) went on for: ${f.failingAfterReturnMs.map((v) => `${Math.round(v)} ms`).join(', ')} after each return`);
  if (f.settlement) {
    lines.push(`- orders with an unknown outcome at the end: ${f.settlement.unknownAtEnd}, settled with ${f.settlement.retries} same-key retries, still unknown: ${f.settlement.stillUnknown}`);
  }
  if (f.ledger) {
    lines.push(`- ledger (cumulative): ${f.ledger.acknowledged} acknowledged, ${f.ledger.refused} not stored (409/422 or never sent), ${f.ledger.rows} stored; stock ${f.ledger.stock.map((s) => `item ${s.itemId} ${s.actual} (expected ${s.expected})`).join(', ')}`);
  }
  for (const [name, value] of f.facts) lines.push(`- ${name}: ${value}`);
  lines.push('', 'Checks (any ✘ fails the campaign):', '');
  for (const c of f.checks) lines.push(`- ${mark(c)} ${c.name}: ${c.detail}`);
  if (f.goals.length > 0) {
    lines.push('', "The issue's targets (measured, not enforced):", '');
    for (const g of f.goals) lines.push(`- ${mark(g)} ${g.name}: ${g.detail}`);
  }
  for (const [i, d] of f.deaths.entries()) {
    lines.push('', `Replica death ${i + 1}: exit code ${d.exitCode ?? '–'}${d.signal ? `, signal ${d.signal}` : ''}; stderr tail:`, '', '```', d.stderrTail || '(empty)', '```');
  }
  return lines.join('\n');
}

/** RELIABILITY.md: what was run, on what, and what it measured. Every figure comes from the run. */
export function renderReport(report: CampaignReport): string {
  const failed = failedChecks(report);
  const m = report.machine;
  const rows = report.faults.map((f) => [
    f.name,
    String(f.requests),
    cell(outcomes(f)),
    latency(f.during),
    latency(f.after),
    f.deaths.length === 0 ? 'yes' : `no (${f.deaths.length} death${f.deaths.length > 1 ? 's' : ''})`,
    cell(recovery(f)),
    f.ledger ? (f.ledger.ok ? 'ok' : 'FAIL') : '–',
    f.checks.every((c) => c.ok) ? 'pass' : `FAIL (${f.checks.filter((c) => !c.ok).length})`,
  ]);
  return [
    '# Reliability: the service under faults',
    '',
    `Measured by \`npm run chaos\` (load/chaos/) on ${report.startedAt}, at commit ${report.commit}; the campaign took ${(report.durationMs / 1000).toFixed(0)} s.`,
    `Machine: ${m.cores} × ${m.cpuModel}, ${m.memoryGiB} GiB, Linux ${m.kernel}; Node ${m.node}; PostgreSQL ${m.postgres}; Redis ${m.redis} (throwaway servers on loopback).`,
    `Service: built from service/ and run as shipped (\`node --require ./dist/telemetry/register.js ./dist/main.js\`), every request traced and exported over OTLP/HTTP to a collector stand-in. Load: ${report.options.clients} concurrent clients on Node's fetch (undici) with keep-alive.`,
    '',
    failed.length === 0 ? '**Verdict: pass** — no crash, no lost or duplicated acknowledged order, no 5xx but 503 where allowed, every fault-specific check held.' : `**Verdict: FAIL** — ${failed.length} check(s) failed:`,
    ...(failed.length === 0 ? [] : ['', ...failed.map((f) => `- ${f}`)]),
    '',
    '## Summary',
    '',
    'Latency in ms over answered requests, p50 / p99, sent during the fault and after the dependency came back. Outcomes count HTTP statuses and, for requests with no answer, `reset` (connection closed or reset mid-request), `refused` (port closed) and `timeout`.',
    '',
    table(['fault', 'requests', 'outcomes', 'during', 'after', 'survived', 'recovery', 'ledger', 'checks'], rows),
    '',
    '## The ledger',
    '',
    'Every order carries an Idempotency-Key and is recorded as the client learned it: 201 acknowledged; 409, 422 or a refused connection (never sent) not stored; anything else (reset, timeout, 503) unknown. After each fault the client asks again about every unknown order with the same key and body until it gets a definite answer. Then Postgres is read directly (psql): each acknowledged order must be stored exactly once with the acknowledged id, item and quantity; no order may be stored that was not acknowledged; each hot item\'s stock must equal its initial stock minus the acknowledged quantities. The check is cumulative over the campaign.',
    '',
    '## Faults',
    '',
    report.faults.map(section).join('\n\n'),
    '',
    '## Reproduce',
    '',
    '`npm run chaos` at the root (or `npm run chaos -w load -- --clients 20 --cycles 3 --hostile 4000 --out RELIABILITY.md`). Needs the Debian packages postgresql and redis-server; it builds the service first. Exit code 1 when any check fails.',
    '',
  ].join('\n');
}

/**
 * Sections of RELIABILITY.md written by hand, not by the campaign (a comparison whose runs are described in it):
 * a rewrite of the report carries each over from the file it replaces, from its heading to the next `## `.
 */
export const handWrittenSections = ['## Choosing the Postgres driver'] as const;

/** The hand-written sections found in `previous` (the file about to be replaced), in the listed order. */
export function keptSections(previous: string): string {
  const lines = previous.split('\n');
  const kept: string[] = [];
  for (const heading of handWrittenSections) {
    const start = lines.findIndex((line) => line.trimEnd() === heading);
    if (start < 0) continue;
    const end = lines.findIndex((line, i) => i > start && line.startsWith('## '));
    kept.push(lines.slice(start, end < 0 ? undefined : end).join('\n').trimEnd());
  }
  return kept.length === 0 ? '' : `${kept.join('\n\n')}\n`;
}
