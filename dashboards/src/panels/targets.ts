/**
 * Query builders with refId and datasource always set. Panels get their targets through these, so a
 * target without a datasource uid cannot be written by accident.
 */
import * as loki from '@grafana/grafana-foundation-sdk/loki';
import * as prometheus from '@grafana/grafana-foundation-sdk/prometheus';
import * as pyroscope from '@grafana/grafana-foundation-sdk/grafanapyroscope';
import * as tempo from '@grafana/grafana-foundation-sdk/tempo';
import type { DatasourceUids } from '../datasources';
import { datasourceRefs } from './datasource-refs';

export interface PromQuery {
  expr: string;
  legend?: string;
  /** Ask Prometheus for exemplars; Grafana links each one to its trace in Tempo. */
  exemplars?: boolean;
  instant?: boolean;
  format?: 'time_series' | 'table';
}

export interface LokiQuery {
  expr: string;
  legend?: string;
  maxLines?: number;
}

export type TempoQuery =
  | { kind: 'traceql'; query: string; limit?: number; table?: 'traces' | 'spans' }
  | { kind: 'serviceMap'; query?: string };

const refIds = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

function refId(index: number): string {
  const id = refIds[index];
  if (!id) throw new Error(`a panel has more than ${refIds.length} queries`);
  return id;
}

export function promTargets(uids: DatasourceUids, queries: readonly PromQuery[]): prometheus.DataqueryBuilder[] {
  const ref = datasourceRefs(uids).prometheus;
  return queries.map((q, i) => {
    const target = new prometheus.DataqueryBuilder().refId(refId(i)).datasource(ref).expr(q.expr);
    if (q.legend) target.legendFormat(q.legend);
    if (q.exemplars) target.exemplar(true);
    if (q.instant) target.instant();
    else target.range();
    if (q.format === 'table') target.format(prometheus.PromQueryFormat.Table);
    return target;
  });
}

export function lokiTargets(uids: DatasourceUids, queries: readonly LokiQuery[]): loki.DataqueryBuilder[] {
  const ref = datasourceRefs(uids).loki;
  return queries.map((q, i) => {
    const target = new loki.DataqueryBuilder().refId(refId(i)).datasource(ref).expr(q.expr);
    if (q.legend) target.legendFormat(q.legend);
    if (q.maxLines) target.maxLines(q.maxLines);
    return target;
  });
}

export function tempoTargets(uids: DatasourceUids, queries: readonly TempoQuery[]): tempo.DataqueryBuilder[] {
  const ref = datasourceRefs(uids).tempo;
  return queries.map((q, i) => {
    const target = new tempo.DataqueryBuilder().refId(refId(i)).datasource(ref);
    if (q.kind === 'serviceMap') {
      target.queryType('serviceMap');
      if (q.query) target.serviceMapQuery(q.query);
      return target;
    }
    target.queryType('traceql').query(q.query).limit(q.limit ?? 20);
    target.tableType(q.table === 'spans' ? tempo.SearchTableType.Spans : tempo.SearchTableType.Traces);
    return target;
  });
}

/** A Pyroscope query: the profile type's value over time, one series per `groupBy` label value. */
export interface ProfileQuery {
  profileTypeId: string;
  labelSelector: string;
  groupBy: readonly string[];
}

export function profileTargets(uids: DatasourceUids, queries: readonly ProfileQuery[]): pyroscope.DataqueryBuilder[] {
  const ref = datasourceRefs(uids).pyroscope;
  return queries.map((q, i) =>
    new pyroscope.DataqueryBuilder()
      .refId(refId(i))
      .datasource(ref)
      .queryType(pyroscope.PyroscopeQueryType.Metrics)
      .profileTypeId(q.profileTypeId)
      .labelSelector(q.labelSelector)
      .groupBy([...q.groupBy]),
  );
}
