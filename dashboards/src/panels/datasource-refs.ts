import type { DatasourceUids } from '../datasources';

/** A Grafana datasource reference; always built from the uids the caller provisions. */
export interface DatasourceRef {
  type: 'prometheus' | 'loki' | 'tempo';
  uid: string;
}

export function datasourceRefs(uids: DatasourceUids): Record<DatasourceRef['type'], DatasourceRef> {
  return {
    prometheus: { type: 'prometheus', uid: uids.prometheus },
    loki: { type: 'loki', uid: uids.loki },
    tempo: { type: 'tempo', uid: uids.tempo },
  };
}
