/**
 * The feature flags the service evaluates to inject faults: the contract between the service and the flag
 * file the lab generates for flagd (infra-program/src/configs/flagd.ts). No imports, so other workspaces read
 * it as plain data. Every flag's default is "no fault": a missing flag, a missing flagd or an evaluation error
 * all leave the service healthy.
 *
 * Route-scoped flags are targeted on the evaluation context's `route` (the request's http.route pattern,
 * for example `/api/items/:id`); the others are evaluated with an empty context.
 */
export const faultFlags = {
  /** Share of requests (0 to 1) answered 500 with `injected_fault`. Context: route. */
  errorRate: { key: 'http-error-rate', type: 'number', defaultValue: 0, scope: 'route' },
  /** Milliseconds added before the handler runs. Context: route. */
  addedLatencyMs: { key: 'http-added-latency-ms', type: 'number', defaultValue: 0, scope: 'route' },
  /** Item reads skip Redis (no get, no set) and go to Postgres. */
  cacheBypass: { key: 'cache-bypass', type: 'boolean', defaultValue: false, scope: 'service' },
  /** Milliseconds of `pg_sleep` run before each request's database work. */
  slowQueryMs: { key: 'db-slow-query-ms', type: 'number', defaultValue: 0, scope: 'service' },
  /** Percent (0 to 90) of the event loop a background busy loop burns. */
  cpuHogPercent: { key: 'cpu-hog-percent', type: 'number', defaultValue: 0, scope: 'service' },
  /** MiB per minute the replica retains while the flag is on (0: none, and what was retained is released). */
  memoryLeakMbPerMinute: { key: 'memory-leak-mb-per-minute', type: 'number', defaultValue: 0, scope: 'service' },
  /** The most MiB the leak retains; growth stops there. */
  memoryLeakCapMb: { key: 'memory-leak-cap-mb', type: 'number', defaultValue: 0, scope: 'service' },
} as const;

export type FaultFlagName = keyof typeof faultFlags;

/** The evaluation-context attribute route-scoped flags target. */
export const routeContextKey = 'route';
