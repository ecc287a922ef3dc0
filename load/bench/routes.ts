import { randomBytes, randomUUID } from 'node:crypto';
import type autocannon from 'autocannon';

/** The four routes the issue asks about, with what a telemetry SERVER span reports for each. */
export const benchRoutes = ['cached-read', 'list-page', 'item-write', 'order'] as const;
export type BenchRoute = (typeof benchRoutes)[number];

export interface RouteSpec {
  readonly method: 'GET' | 'POST';
  /** http.route as the service's SERVER span and duration histogram carry it. */
  readonly httpRoute: string;
  readonly expectedStatus: number;
  /** A request with fresh values, for calibration and for autocannon's setupRequest. */
  request(pool: readonly number[]): { path: string; headers: Record<string, string>; body?: string };
}

const pick = (pool: readonly number[]): number => pool[Math.floor(Math.random() * pool.length)]!;
const json = { 'content-type': 'application/json' };

export const routeSpecs: Readonly<Record<BenchRoute, RouteSpec>> = {
  // Items are warmed before measuring, so every read is a Redis hit: the cheapest real path.
  'cached-read': {
    method: 'GET',
    httpRoute: '/api/items/:id',
    expectedStatus: 200,
    request: (pool) => ({ path: `/api/items/${pick(pool)}`, headers: {} }),
  },
  'list-page': {
    method: 'GET',
    httpRoute: '/api/items',
    expectedStatus: 200,
    request: () => ({ path: '/api/items?limit=20', headers: {} }),
  },
  'item-write': {
    method: 'POST',
    httpRoute: '/api/items',
    expectedStatus: 201,
    request: () => ({ path: '/api/items', headers: json, body: JSON.stringify({ name: `bench ${randomUUID()}`, priceCents: 250, stock: 10 }) }),
  },
  // A fresh Idempotency-Key per request (no replays) and a random item of the pool, so orders do not all
  // queue on one row lock.
  order: {
    method: 'POST',
    httpRoute: '/api/orders',
    expectedStatus: 201,
    request: (pool) => ({
      path: '/api/orders',
      headers: { ...json, 'idempotency-key': randomUUID() },
      body: JSON.stringify({ itemId: pick(pool), quantity: 1 }),
    }),
  },
};

/**
 * A `traceparent` as the lab's edge proxy sends it on every request: a fresh trace whose sampled flag is set
 * for a `sampleRatio` share of requests (Traefik's ParentBased(TraceIDRatioBased) decision).
 */
export function edgeTraceparent(sampleRatio: number): string {
  const ids = randomBytes(24).toString('hex');
  return `00-${ids.slice(0, 32)}-${ids.slice(32)}-${Math.random() < sampleRatio ? '01' : '00'}`;
}

/**
 * autocannon's request list for a route: one template whose setupRequest draws fresh values every time.
 * With `edgeSampleRatio`, each request also carries the edge proxy's `traceparent` (edgeTraceparent).
 */
export function autocannonRequests(route: BenchRoute, pool: readonly number[], edgeSampleRatio?: number): autocannon.Request[] {
  const spec = routeSpecs[route];
  return [
    {
      method: spec.method,
      setupRequest: (request) => {
        const fresh = spec.request(pool);
        const edge = edgeSampleRatio === undefined ? {} : { traceparent: edgeTraceparent(edgeSampleRatio) };
        return { ...request, method: spec.method, path: fresh.path, headers: { ...request.headers, ...fresh.headers, ...edge }, body: fresh.body } as typeof request;
      },
    },
  ];
}
