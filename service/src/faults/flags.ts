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

/**
 * The most the service applies of each numeric flag, whatever the flag file says: a hand-edited or
 * mistyped value slows or breaks requests, never wedges the replica. A value above is clamped to it, a
 * negative or non-numeric one is the default. The lab's own (narrower) bounds are
 * infra-program/src/faults/model.ts `faultBounds`.
 */
export const faultFlagLimits = {
  errorRate: 1,
  addedLatencyMs: 10_000,
  slowQueryMs: 5_000,
  cpuHogPercent: 90,
  memoryLeakMbPerMinute: 1_024,
  memoryLeakCapMb: 1_024,
} as const satisfies { readonly [name in FaultFlagName]?: number };

/**
 * Every http.route a route-scoped flag can target: the routes served behind the fault middleware (health
 * probes are not, so a fault never takes a replica out of the load balancer). A test keeps this equal to
 * the app's routes; stack config naming any other route is a mistake.
 */
export const faultableRoutes = [
  '/api/items',
  '/api/items/:id',
  '/api/orders',
  '/api/orders/:id',
  '/simulate/latency',
  '/simulate/error',
  '/simulate/slow-query',
  '/simulate/heavy-task',
  '/simulate/heavy-task/:id',
] as const;
