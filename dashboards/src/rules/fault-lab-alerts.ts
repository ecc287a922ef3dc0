/**
 * The failure lab's own health: declared link faults are in effect only while the fault controller can
 * reconcile Toxiproxy. Without this a user would read a healthy dashboard as "the fault does nothing".
 */
import { faultMetrics } from '@lab/service/fault-controller';
import { dashboardUids } from '../dashboards/dashboard-uids';
import type { Severity } from '../slo/burn-rate-policy';
import type { AlertingRule, RuleGroup } from '../slo/prometheus-rules';

const reconciles = (outcome: 'success' | 'error') => `sum(rate(${faultMetrics.reconciles.name}{outcome="${outcome}"}[5m]))`;

export const faultsNotApplied: AlertingRule = {
  alert: 'LabFaultsNotApplied',
  // Toxiproxy's API does not answer, or every reconciliation of the last five minutes failed.
  expr: `min(${faultMetrics.toxiproxyUp.name}) == 0 or (${reconciles('error')} > 0 unless ${reconciles('success')} > 0)`,
  for: '2m',
  labels: { service: 'fault-controller', severity: 'ticket' satisfies Severity },
  annotations: {
    summary: 'The fault controller cannot apply the declared link faults to Toxiproxy',
    description:
      'Toxiproxy is unreachable or every reconciliation fails: the faults in the stack config are not (all) in effect. ' +
      'See the fault controller\'s logs and Shop failure lab > Fault controller.',
    dashboard: `/d/${dashboardUids.failureLab}`,
  },
};

export function faultLabRules(): RuleGroup {
  return { name: 'lab:fault-controller', rules: [faultsNotApplied] };
}
