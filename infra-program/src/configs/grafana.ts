import { serviceProfileTypes } from '@lab/dashboards';
import { httpUrl, type Endpoint } from '../endpoint';

export const grafanaPort = 3000;
export const grafanaDashboardsDir = '/etc/grafana/dashboards';
export const grafanaProvisioningDir = '/etc/grafana/provisioning';

export interface DatasourceUids {
  readonly prometheus: string;
  readonly loki: string;
  readonly tempo: string;
  readonly pyroscope: string;
  readonly alertmanager: string;
}

/** One entry of a Grafana datasource provisioning file (apiVersion 1). */
export interface GrafanaDatasource {
  name: string;
  uid: string;
  type: 'prometheus' | 'loki' | 'tempo' | 'grafana-pyroscope-datasource' | 'alertmanager';
  access: 'proxy';
  url: string;
  isDefault: boolean;
  editable: boolean;
  jsonData: Record<string, unknown>;
}

export interface GrafanaDatasourcesFile {
  apiVersion: 1;
  datasources: GrafanaDatasource[];
}

/** Exemplar labels that hold a trace id: Prometheus's OTLP translation, then Tempo's metrics generator. */
export const exemplarTraceIdLabels = ['trace_id', 'traceID'] as const;

export interface DatasourceTargets {
  readonly prometheus: Endpoint;
  readonly loki: Endpoint;
  readonly tempo: Endpoint;
  readonly pyroscope: Endpoint;
  readonly alertmanager: Endpoint;
}

/**
 * The three datasources, each with an explicit uid, linked to each other by those uids:
 * Prometheus exemplars -> Tempo; Tempo -> Loki (by trace id, within the span's service), -> Prometheus
 * (span metrics) and its service map; Loki's `trace_id` (structured metadata of OTLP logs) -> Tempo.
 * The strings hold Grafana macros (`${__value.raw}`): the renderer escapes `$` for provisioning.
 */
export function grafanaDatasources(to: DatasourceTargets, uids: DatasourceUids): GrafanaDatasourcesFile {
  return {
    apiVersion: 1,
    datasources: [
      {
        name: 'Prometheus',
        uid: uids.prometheus,
        type: 'prometheus',
        access: 'proxy',
        url: httpUrl(to.prometheus),
        isDefault: true,
        editable: false,
        jsonData: {
          httpMethod: 'POST',
          prometheusType: 'Prometheus',
          // Exemplars reach Prometheus two ways, under two label names: OTLP metrics of the app carry
          // `trace_id` (Prometheus's OTLP translator), Tempo's span metrics and service graphs carry
          // `traceID` (the generator's default exemplar label). One destination per name links both.
          exemplarTraceIdDestinations: exemplarTraceIdLabels.map((name) => ({
            name,
            datasourceUid: uids.tempo,
            urlDisplayLabel: 'View trace',
          })),
        },
      },
      {
        name: 'Loki',
        uid: uids.loki,
        type: 'loki',
        access: 'proxy',
        url: httpUrl(to.loki),
        isDefault: false,
        editable: false,
        jsonData: {
          maxLines: 1000,
          derivedFields: [
            {
              name: 'TraceID',
              matcherType: 'label',
              matcherRegex: 'trace_id',
              datasourceUid: uids.tempo,
              url: '${__value.raw}',
              urlDisplayLabel: 'View trace',
            },
          ],
        },
      },
      {
        name: 'Tempo',
        uid: uids.tempo,
        type: 'tempo',
        access: 'proxy',
        url: httpUrl(to.tempo),
        isDefault: false,
        editable: false,
        // Keys of TempoJsonData (grafana/grafana-tempo-datasource src/types.ts and datasource.ts at v13.1.5,
        // the plugin bundled with Grafana since 12.3): serviceMap, search, nodeGraph, streamingEnabled
        // (search, metrics); the trace-to-logs/metrics links are @grafana/o11y-ds-frontend's sections. No
        // `lokiSearch`: Loki search left the Tempo datasource long ago and nothing reads the key.
        jsonData: {
          tracesToLogsV2: {
            datasourceUid: uids.loki,
            spanStartTimeShift: '-5m',
            spanEndTimeShift: '5m',
            filterByTraceID: true,
            filterBySpanID: false,
            // The link shows only on spans carrying one of these tags; `${__tags}` renders the mapping
            // as a stream selector. OTLP logs land in Loki with `service_name` as a label and `trace_id`
            // as structured metadata, so the trace id is a label filter after the selector.
            tags: [{ key: 'service.name', value: 'service_name' }],
            customQuery: true,
            query: '{${__tags}} | trace_id="${__trace.traceId}"',
          },
          tracesToMetrics: {
            datasourceUid: uids.prometheus,
            spanStartTimeShift: '-5m',
            spanEndTimeShift: '5m',
            tags: [{ key: 'service.name', value: 'service' }],
            queries: [
              { name: 'Request rate', query: 'sum(rate(traces_spanmetrics_calls_total{$__tags}[5m]))' },
              {
                name: 'p95 latency',
                query: 'histogram_quantile(0.95, sum by (le) (rate(traces_spanmetrics_latency_bucket{$__tags}[5m])))',
              },
            ],
          },
          // "Profiles for this span" (grafana-tempo-datasource src/resultTransformer.ts at 13.1.5, the plugin
          // Grafana bundles; the option keys are @grafana/o11y-ds-frontend's TraceToProfilesOptions): a
          // Pyroscope query on the span's `service.name` as Pyroscope's `service_name` label, narrowed to the
          // samples whose `span_id` is the span's `pyroscope.profile.id` (only root spans carry it).
          tracesToProfiles: {
            datasourceUid: uids.pyroscope,
            tags: [{ key: 'service.name', value: 'service_name' }],
            profileTypeId: serviceProfileTypes.cpu,
            customQuery: false,
          },
          serviceMap: { datasourceUid: uids.prometheus },
          nodeGraph: { enabled: true },
          search: { hide: false },
          streamingEnabled: { search: true, metrics: true },
        },
      },
      {
        name: 'Pyroscope',
        uid: uids.pyroscope,
        // The Pyroscope datasource plugin's id (bundled with Grafana; public/app/plugins/datasource/grafana-pyroscope-datasource).
        type: 'grafana-pyroscope-datasource',
        access: 'proxy',
        url: httpUrl(to.pyroscope),
        isDefault: false,
        editable: false,
        jsonData: {},
      },
      {
        name: 'Alertmanager',
        uid: uids.alertmanager,
        type: 'alertmanager',
        access: 'proxy',
        url: httpUrl(to.alertmanager),
        isDefault: false,
        editable: false,
        jsonData: {
          // Prometheus's Alertmanager: silences are managed from Grafana, routes and receivers are shown
          // read-only (its API cannot change them).
          implementation: 'prometheus',
          // Grafana-managed alert rules stay in Grafana's own Alertmanager; this one gets Prometheus's.
          handleGrafanaManagedAlerts: false,
        },
      },
    ],
  };
}

export interface GrafanaDashboardProvidersFile {
  apiVersion: 1;
  providers: {
    name: string;
    type: 'file';
    disableDeletion: boolean;
    allowUiUpdates: boolean;
    updateIntervalSeconds: number;
    options: { path: string; foldersFromFilesStructure: boolean };
  }[];
}

export function grafanaDashboardProviders(): GrafanaDashboardProvidersFile {
  return {
    apiVersion: 1,
    providers: [
      {
        name: 'observability-lab',
        type: 'file',
        disableDeletion: true,
        allowUiUpdates: false,
        updateIntervalSeconds: 60,
        options: { path: grafanaDashboardsDir, foldersFromFilesStructure: false },
      },
    ],
  };
}
