/**
 * Fault changes as dashboard annotations: a marker at the moment the fault controller first applied the
 * current declaration. Grafana's Prometheus annotations (public/app/plugins/datasource/prometheus, Grafana
 * 13: `PrometheusAnnotationSupport.processEvents`) read a series' value as the event time, in milliseconds,
 * when `useValueForTime` is on, so every sample of one declaration collapses into one marker at that time.
 */
import { AnnotationQueryBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import * as prometheus from '@grafana/grafana-foundation-sdk/prometheus';
import type { DatasourceUids } from '../datasources';
import { datasourceRefs } from '../panels/datasource-refs';
import { faults } from '../queries/fault-queries';

export const faultChangeAnnotationName = 'Fault changes';

export function faultChangeAnnotation(uids: DatasourceUids): AnnotationQueryBuilder {
  const ref = datasourceRefs(uids).prometheus;
  return new AnnotationQueryBuilder()
    .name(faultChangeAnnotationName)
    .datasource(ref)
    .enable(true)
    .iconColor('orange')
    .target(new prometheus.DataqueryBuilder().refId('Anno').datasource(ref).expr(faults.appliedAtMs()))
    .titleFormat('Faults applied')
    .textFormat('The fault controller applied a new fault declaration (pulumi up with other faults): see Shop failure lab.')
    .useValueForTime(true);
}
