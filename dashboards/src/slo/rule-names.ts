/** Names of the series the SLO rules record; dashboards query these, never the raw ratio again. */
export const sloRecords = {
  errorRatio: (window: string) => `slo:sli_error:ratio_rate${window}`,
  objective: 'slo:objective:ratio',
  errorBudgetRemaining: 'slo:error_budget_remaining:ratio',
} as const;

export function sloWindow(days: number): string {
  return `${days}d`;
}
