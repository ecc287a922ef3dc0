/**
 * Public API of @lab/dashboards: what the infra program imports and provisions.
 * Everything here is built from typed code; the program must not keep its own copies.
 */
export type { DatasourceUids } from './datasources';
export { grafanaDatasourceUids } from './datasources';
export { buildDashboards } from './build-dashboards';
export { buildPrometheusRuleFiles } from './rules/rule-files';
/** The exemplar trace-id label name the Prometheus datasource and Tempo's metrics generator must share. */
export { exemplarTraceIdLabel, profileReplicaLabel, serviceProfileTypes } from './datasources';
/** The `severity` values the SLO alerts carry, which Alertmanager's routes must cover. */
export { severities, type Severity } from './slo/burn-rate-policy';
/** The Collector's Prometheus reader options its self-metric names depend on; the infra program writes them. */
export { collectorPrometheusReaderOptions, type CollectorPrometheusReaderOptions } from './metrics/known/otel-collector';
/** The failure lab's scenario catalogue: the program takes `faultScenario: <name>` and uses its `faults`. */
export {
  faultScenarioNames,
  faultScenarios,
  faultScenario,
  scenarioConfigCommands,
  type FaultScenario,
  type FaultScenarioName,
  type ExpectedAlert,
} from './faults/scenarios';
/** What the README states the rehearsal measured for link faults; infra-program's tests hold it to the recordings. */
export { linkFaultScenarios, measuredLinkFaultApply } from './faults/readme-section';
export { faultConfigCommands, faultConfigEntries, scenarioSwitchCommand, type ConfigEntry } from './faults/config-commands';
/** How Prometheus 3 names what arrives over OTLP: the rehearsal records the replicas' real metrics under these names. */
export { prometheusBaseName, prometheusLabelName, prometheusSeriesNames, type OtelMetricDefinition } from './metrics/otlp-to-prometheus';
/** The symptom alerts, with the labels each one's expression keeps (what a firing alert carries beyond its rule's). */
export { symptomAlerts, type SymptomAlert } from './rules/symptom-alerts';
