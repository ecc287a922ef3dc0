/**
 * Prometheus rule groups for each SLO: recording rules for the error ratio over every window the
 * alerts and dashboards need, the objective and the budget left, then the burn-rate alerts.
 * Only syntax Prometheus 2.x understands, so `promtool` 2.42 can check and unit-test it.
 */
import { shopService } from '../service-identity';
import { alertFor, burnRateWindows, recordedWindows, severities, type Severity } from './burn-rate-policy';
import { sloRecords, sloWindow } from './rule-names';
import { errorRatioExpr } from './sli-queries';
import { errorBudget, type ServiceLevelObjective } from './slo';

export interface RecordingRule {
  record: string;
  expr: string;
  labels: Record<string, string>;
}

export interface AlertingRule {
  alert: string;
  expr: string;
  for: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export interface RuleGroup {
  name: string;
  rules: Array<RecordingRule | AlertingRule>;
}

function sloLabels(slo: ServiceLevelObjective): Record<string, string> {
  return { slo: slo.name, service: slo.scope.job };
}

function selector(slo: ServiceLevelObjective): string {
  return `{slo="${slo.name}"}`;
}

export function recordingRules(slo: ServiceLevelObjective): RuleGroup {
  const labels = sloLabels(slo);
  const windows = [...recordedWindows, sloWindow(slo.windowDays)];
  return {
    name: `slo:${slo.name}:recordings`,
    rules: [
      ...windows.map((window) => ({ record: sloRecords.errorRatio(window), expr: errorRatioExpr(slo, window), labels })),
      { record: sloRecords.objective, expr: `vector(${slo.objective})`, labels },
      {
        record: sloRecords.errorBudgetRemaining,
        expr: `1 - (${sloRecords.errorRatio(sloWindow(slo.windowDays))}${selector(slo)} / ${errorBudget(slo)})`,
        labels,
      },
    ],
  };
}

export const alertNameSuffix: Record<Severity, string> = { page: 'ErrorBudgetFastBurn', ticket: 'ErrorBudgetSlowBurn' };

export function alertName(slo: ServiceLevelObjective, severity: Severity): string {
  return `${slo.alertPrefix}${alertNameSuffix[severity]}`;
}

function burnCondition(slo: ServiceLevelObjective, window: string, burnRate: number): string {
  return `${sloRecords.errorRatio(window)}${selector(slo)} > (${burnRate} * ${errorBudget(slo)})`;
}

export function burnRateAlerts(slo: ServiceLevelObjective, overviewDashboardUid: string): RuleGroup {
  return {
    name: `slo:${slo.name}:alerts`,
    rules: severities.map((severity) => {
      const windows = burnRateWindows.filter((w) => w.severity === severity);
      const expr = windows
        .map((w) => `(\n  ${burnCondition(slo, w.long, w.burnRate)}\nand\n  ${burnCondition(slo, w.short, w.burnRate)}\n)`)
        .join('\nor\n');
      const spent = severity === 'page' ? 'will be gone within days' : 'is being spent faster than the SLO allows';
      return {
        alert: alertName(slo, severity),
        expr,
        for: alertFor[severity],
        labels: { ...sloLabels(slo), severity },
        annotations: {
          summary: `${shopService.name}: ${slo.name} error budget ${spent}`,
          description:
            `${slo.description} Error ratio over the long window: {{ $value | humanizePercentage }} ` +
            `(budget ${errorBudget(slo) * 100}%). Open the overview, find the spike, then its logs and traces.`,
          dashboard: `/d/${overviewDashboardUid}`,
        },
      };
    }),
  };
}
