/**
 * The service's routes as k6 tags them. `route` is a short, comma- and colon-free tag value, so it is safe in a
 * threshold selector (`http_req_duration{route:item-read}`: k6 splits selectors on ',' and ':'); `name` is the
 * URL template, which k6 uses instead of the raw URL so ids in paths do not explode metric cardinality.
 *
 * Pure module: no k6 imports, so the options modules (and the Node tests) can import it.
 */
export const routes = {
  itemCreate: { route: 'item-create', name: 'POST /api/items' },
  itemRead: { route: 'item-read', name: 'GET /api/items/:id' },
  itemList: { route: 'item-list', name: 'GET /api/items' },
  itemUpdate: { route: 'item-update', name: 'PATCH /api/items/:id' },
  itemDelete: { route: 'item-delete', name: 'DELETE /api/items/:id' },
  orderCreate: { route: 'order-create', name: 'POST /api/orders' },
  orderRead: { route: 'order-read', name: 'GET /api/orders/:id' },
  simulateLatency: { route: 'simulate-latency', name: 'GET /simulate/latency' },
  simulateError: { route: 'simulate-error', name: 'GET /simulate/error' },
  heavyTaskStart: { route: 'heavy-task-start', name: 'POST /simulate/heavy-task' },
  heavyTaskRead: { route: 'heavy-task-read', name: 'GET /simulate/heavy-task/:id' },
  slowQuery: { route: 'slow-query', name: 'GET /simulate/slow-query' },
  healthLive: { route: 'health-live', name: 'GET /health/live' },
  healthReady: { route: 'health-ready', name: 'GET /health/ready' },
} as const;

export type RouteKey = keyof typeof routes;
export type RouteTag = (typeof routes)[RouteKey]['route'];

/** Routes whose business traffic must not fail: the ones a per-route error-rate threshold guards. */
export const businessRoutes: readonly RouteKey[] = [
  'itemRead',
  'itemList',
  'itemCreate',
  'itemUpdate',
  'orderCreate',
];
