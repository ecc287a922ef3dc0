/**
 * The service's metrics by their Prometheus names, derived from the service's own list
 * (service/src/telemetry/metric-names.ts is the single source of truth; we never retype a name).
 */
import { httpDurationBucketBoundaries, runtimeMetrics, serviceMetrics } from '@lab/service/metric-names';
import { prometheusBaseName, prometheusSeriesNames, type OtelMetricDefinition } from './otlp-to-prometheus';

type MetricTable = Readonly<Record<string, OtelMetricDefinition>>;

function baseNames<T extends MetricTable>(table: T): { readonly [K in keyof T]: string } {
  return Object.fromEntries(Object.entries(table).map(([key, m]) => [key, prometheusBaseName(m)])) as {
    [K in keyof T]: string;
  };
}

/** Prometheus base names of the service's metrics, e.g. `http_server_request_duration_seconds`. */
export const serviceProm = baseNames(serviceMetrics);
/** Counter series names (base name + `_total`), e.g. `app_cache_lookups_total`. */
export const serviceCounters = {
  cacheLookups: prometheusSeriesNames(serviceMetrics.cacheLookups)[0]!,
  orders: prometheusSeriesNames(serviceMetrics.orders)[0]!,
  featureFlagEvaluations: prometheusSeriesNames(serviceMetrics.featureFlagEvaluations)[0]!,
} as const;
/** Prometheus base names of the Node runtime metrics, e.g. `v8js_memory_heap_used_bytes`. */
export const runtimeProm = baseNames(runtimeMetrics);

/** Every series name the service emits in Prometheus. */
export const serviceSeriesNames: readonly string[] = [...Object.values(serviceMetrics), ...Object.values(runtimeMetrics)]
  .flatMap((m) => prometheusSeriesNames(m));

/** Bucket boundaries of http.server.request.duration, as the service declares them. */
export { httpDurationBucketBoundaries };

/** Label names after translation (dots -> underscores). */
export const serviceLabels = {
  route: 'http_route',
  method: 'http_request_method',
  statusCode: 'http_response_status_code',
  dbOperation: 'db_operation_name',
  dbCollection: 'db_collection_name',
  dbSystem: 'db_system_name',
  errorType: 'error_type',
  cacheResult: 'cache_result',
  cacheName: 'cache_name',
  taskType: 'task_type',
  taskOutcome: 'task_outcome',
  orderOutcome: 'order_outcome',
  /** service.name becomes `job`; service.instance.id becomes `instance` (one per replica). */
  job: 'job',
  instance: 'instance',
} as const;
