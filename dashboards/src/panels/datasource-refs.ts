import type { DatasourceUids } from '../datasources';

/** A Grafana datasource reference; always built from the uids the caller provisions. */
export interface DatasourceRef {
  type: 'prometheus' | 'loki' | 'tempo' | 'grafana-pyroscope-datasource';
  uid: string;
}

export function datasourceRefs(uids: DatasourceUids): Record<'prometheus' | 'loki' | 'tempo' | 'pyroscope', DatasourceRef> {
  return {
    prometheus: { type: 'prometheus', uid: uids.prometheus },
    loki: { type: 'loki', uid: uids.loki },
    tempo: { type: 'tempo', uid: uids.tempo },
    pyroscope: { type: 'grafana-pyroscope-datasource', uid: uids.pyroscope },
  };
}
