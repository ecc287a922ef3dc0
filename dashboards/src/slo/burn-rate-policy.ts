/**
 * Multi-window, multi-burn-rate alerting as in the Google SRE workbook ("Alerting on SLOs", table 5-8,
 * for a 30-day window): an alert needs both a long window (the burn is significant) and a short one
 * (it is still happening, so the alert resets quickly once fixed).
 */
/** The `severity` label of every SLO alert; Alertmanager routes on exactly these values. */
export const severities = ['page', 'ticket'] as const;
export type Severity = (typeof severities)[number];

export interface BurnRateWindow {
  severity: Severity;
  long: PromDuration;
  short: PromDuration;
  /** How many times faster than "exactly exhaust the budget by the end of the window". */
  burnRate: number;
}

export type PromDuration = '5m' | '30m' | '1h' | '2h' | '6h' | '1d' | '3d';

export const burnRateWindows: readonly BurnRateWindow[] = [
  { severity: 'page', long: '1h', short: '5m', burnRate: 14.4 }, // 2% of budget in 1 hour
  { severity: 'page', long: '6h', short: '30m', burnRate: 6 }, // 5% of budget in 6 hours
  { severity: 'ticket', long: '1d', short: '2h', burnRate: 3 }, // 10% of budget in 1 day
  { severity: 'ticket', long: '3d', short: '6h', burnRate: 1 }, // 10% of budget in 3 days
];

/** Every window a ratio must be recorded for. */
export const recordedWindows: readonly PromDuration[] = ['5m', '30m', '1h', '2h', '6h', '1d', '3d'];

/** How long a condition must hold before the alert fires; short, the short window already debounces. */
export const alertFor: Record<Severity, string> = { page: '2m', ticket: '15m' };

/** The fastest paging window, the one the overview's burn-rate stat and the walkthrough quote. */
export const fastPage: BurnRateWindow = burnRateWindows[0]!;
