/**
 * Every metric the service emits, by its OpenTelemetry name. Dashboards and alert rules derive their
 * Prometheus names from this list, and the service's telemetry test asserts each one really arrives
 * over OTLP, so a rename here breaks the queries' tests instead of silently emptying a panel.
 */
export const serviceMetrics = {
  /** Histogram, seconds; attributes http.request.method, http.route, http.response.status_code. */
  httpServerRequestDuration: { name: 'http.server.request.duration', unit: 's', kind: 'histogram' },
  /** UpDownCounter, requests in flight; attribute http.request.method. */
  httpServerActiveRequests: { name: 'http.server.active_requests', unit: '{request}', kind: 'updowncounter' },
  /** Histogram, seconds; attributes db.system.name, db.operation.name, db.collection.name, error.type. */
  dbClientOperationDuration: { name: 'db.client.operation.duration', unit: 's', kind: 'histogram' },
  /** Counter; attributes cache.name, cache.result (hit, miss, error). */
  cacheLookups: { name: 'app.cache.lookups', unit: '{lookup}', kind: 'counter' },
  /** UpDownCounter of background tasks waiting or running; attribute task.type. */
  taskQueueDepth: { name: 'app.task.queue.depth', unit: '{task}', kind: 'updowncounter' },
  /** Histogram, seconds; attributes task.type, task.outcome (succeeded, failed); refusals show as 429s of the request metrics. */
  taskDuration: { name: 'app.task.duration', unit: 's', kind: 'histogram' },
  /** Counter; attribute order.outcome (created, replayed, insufficient_stock). */
  orders: { name: 'app.orders', unit: '{order}', kind: 'counter' },
  /**
   * Counter of fault-flag evaluations; attributes feature_flag.key, feature_flag.result.variant (absent when
   * the flag resolved to no variant), feature_flag.result.reason (static, targeting_match, default, error ...),
   * error.type (only on errors, e.g. provider_not_ready, flag_not_found). Only while a flag provider is set.
   */
  featureFlagEvaluations: { name: 'app.feature_flag.evaluations', unit: '{evaluation}', kind: 'counter' },
} as const;

/**
 * The continuous profiler's own counters (only while PYROSCOPE_SERVER_ADDRESS is set); attribute
 * profile.type (wall, heap). A dropped profile is one Pyroscope did not accept or could not be reached for.
 */
export const profilingMetrics = {
  profilesPushed: { name: 'app.profiles.pushed', unit: '{profile}', kind: 'counter' },
  profilesDropped: { name: 'app.profiles.dropped', unit: '{profile}', kind: 'counter' },
} as const;

/** Node runtime metrics from @opentelemetry/instrumentation-runtime-node (names as that package emits them). */
export const runtimeMetrics = {
  eventLoopDelayP99: { name: 'nodejs.eventloop.delay.p99', unit: 's', kind: 'gauge' },
  eventLoopUtilization: { name: 'nodejs.eventloop.utilization', unit: '1', kind: 'gauge' },
  heapUsed: { name: 'v8js.memory.heap.used', unit: 'By', kind: 'gauge' },
  gcDuration: { name: 'v8js.gc.duration', unit: 's', kind: 'histogram' },
} as const;

/**
 * Bucket boundaries of http.server.request.duration (the HTTP semantic conventions' advice). Latency SLO
 * thresholds must be one of them, so the dashboards read them from here.
 */
export const httpDurationBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10] as const;

export type MetricKind = 'histogram' | 'counter' | 'updowncounter' | 'gauge';
export interface MetricSpec {
  readonly name: string;
  readonly unit: string;
  readonly kind: MetricKind;
}
