/** The datasource uids every panel and every cross-signal link refers to. */
export interface DatasourceUids {
  prometheus: string;
  loki: string;
  tempo: string;
}

/** Default uids the infra program gives the provisioned Grafana datasources. */
export const grafanaDatasourceUids: DatasourceUids = {
  prometheus: 'prometheus',
  loki: 'loki',
  tempo: 'tempo',
};
