/**
 * Public API of @lab/dashboards: what the infra program imports and provisions.
 * Everything here is built from typed code; the program must not keep its own copies.
 */
export type { DatasourceUids } from './datasources';
export { grafanaDatasourceUids } from './datasources';
export { buildDashboards } from './build-dashboards';
export { buildPrometheusRuleFiles } from './rules/rule-files';
/** The exemplar trace-id label name the Prometheus datasource and Tempo's metrics generator must share. */
export { exemplarTraceIdLabel } from './datasources';
