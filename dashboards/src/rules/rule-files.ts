/**
 * The Prometheus rule files the infra program provisions (one per SLO, the symptom alerts, the fault lab's own health), as plain
 * objects the consumer renders to YAML.
 */
import { dashboardUids } from '../dashboards/dashboard-uids';
import { burnRateAlerts, recordingRules } from '../slo/prometheus-rules';
import { serviceLevelObjectives } from '../slo/slo';
import { faultLabRules } from './fault-lab-alerts';
import { symptomAlertRules } from './symptom-alerts';

export interface PrometheusRuleFile {
  fileName: string;
  content: Record<string, unknown>;
}

export function buildPrometheusRuleFiles(): PrometheusRuleFile[] {
  return [
    ...serviceLevelObjectives.map((slo) => ({
      fileName: `slo-${slo.name}.rules.yml`,
      content: { groups: [recordingRules(slo), burnRateAlerts(slo, dashboardUids.overview)] },
    })),
    { fileName: 'symptoms.rules.yml', content: { groups: [symptomAlertRules()] } },
    { fileName: 'fault-lab.rules.yml', content: { groups: [faultLabRules()] } },
  ];
}
