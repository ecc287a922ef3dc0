import { randomBytes, randomUUID } from 'node:crypto';
import type autocannon from 'autocannon';
import { chooseWeighted, trafficMix, type MixAction } from '@lab/load';

/**
 * The four routes measured one at a time, each with what a telemetry SERVER span reports for it, and `mix`:
 * the traffic the k6 load-test scenario sends, drawn request by request with its own weights (`trafficMix`).
 */
export const singleRoutes = ['cached-read', 'list-page', 'item-write', 'order'] as const;
export const benchRoutes = [...singleRoutes, 'mix'] as const;
export type SingleRoute = (typeof singleRoutes)[number];
export type BenchRoute = (typeof benchRoutes)[number];

export interface BenchRequest {
  readonly method: 'GET' | 'POST' | 'PATCH';
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body?: string;
  /** The statuses a correct service answers this request with. */
  readonly expectedStatuses: readonly number[];
}

export interface RouteSpec {
  /** http.route as the service's SERVER span and duration histogram carry it; the mix has several. */
  readonly httpRoute?: string;
  /** A request with fresh values, for calibration and for autocannon's setupRequest. */
  request(pool: readonly number[]): BenchRequest;
}

const pick = (pool: readonly number[]): number => pool[Math.floor(Math.random() * pool.length)]!;
const json = { 'content-type': 'application/json' };

const cachedRead = (pool: readonly number[]): BenchRequest => ({ method: 'GET', path: `/api/items/${pick(pool)}`, headers: {}, expectedStatuses: [200] });
const listPage = (): BenchRequest => ({ method: 'GET', path: '/api/items?limit=20', headers: {}, expectedStatuses: [200] });
const itemCreate = (): BenchRequest => ({
  method: 'POST',
  path: '/api/items',
  headers: json,
  body: JSON.stringify({ name: `bench ${randomUUID()}`, priceCents: 250, stock: 10 }),
  expectedStatuses: [201],
});
const newOrder = (itemId: number, key: string): BenchRequest => ({
  method: 'POST',
  path: '/api/orders',
  headers: { ...json, 'idempotency-key': key },
  body: JSON.stringify({ itemId, quantity: 1 }),
  expectedStatuses: [201],
});

/** Keys the mix used, so a share of its orders replay one (the idempotent path), as the k6 mix does. */
const recentOrders: Array<{ key: string; itemId: number }> = [];

/**
 * One request of the k6 load-test mix (load/k6/lib/mix.ts), action by action: an item read; a list page (k6
 * also follows the cursor for one reader in four, a second request not drawn here); an item write, half
 * creates and half price updates of a pool item (which invalidates its cache entry); an order, one in ten a
 * replay of a recent Idempotency-Key; a /simulate call, half `latency?ms=50&jitter=50`, half
 * `error?rate=0.05` (whose 500s are expected).
 */
export function mixRequest(pool: readonly number[], roll = Math.random()): BenchRequest & { action: MixAction } {
  const action = chooseWeighted(trafficMix, roll);
  switch (action) {
    case 'cachedRead':
      return { action, ...cachedRead(pool) };
    case 'listPage':
      return { action, ...listPage() };
    case 'itemWrite':
      return Math.random() < 0.5
        ? { action, ...itemCreate() }
        : {
            action,
            method: 'PATCH',
            path: `/api/items/${pick(pool)}`,
            headers: json,
            body: JSON.stringify({ priceCents: 100 + Math.floor(Math.random() * 900) }),
            expectedStatuses: [200],
          };
    case 'order': {
      const replay = recentOrders.length > 0 && Math.random() < 0.1 ? recentOrders[Math.floor(Math.random() * recentOrders.length)] : undefined;
      if (replay) return { action, ...newOrder(replay.itemId, replay.key) };
      const fresh = { key: randomUUID(), itemId: pick(pool) };
      recentOrders.push(fresh);
      if (recentOrders.length > 50) recentOrders.shift();
      return { action, ...newOrder(fresh.itemId, fresh.key) };
    }
    case 'simulate':
      return Math.random() < 0.5
        ? { action, method: 'GET', path: '/simulate/latency?ms=50&jitter=50', headers: {}, expectedStatuses: [200] }
        : { action, method: 'GET', path: '/simulate/error?rate=0.05', headers: {}, expectedStatuses: [200, 500] };
  }
}

export const routeSpecs: Readonly<Record<BenchRoute, RouteSpec>> = {
  // Items are warmed before measuring, so every read is a Redis hit: the cheapest real path.
  'cached-read': { httpRoute: '/api/items/:id', request: cachedRead },
  'list-page': { httpRoute: '/api/items', request: listPage },
  'item-write': { httpRoute: '/api/items', request: itemCreate },
  // A fresh Idempotency-Key per request (no replays) and a random item of the pool, so orders do not all
  // queue on one row lock.
  order: { httpRoute: '/api/orders', request: (pool) => newOrder(pick(pool), randomUUID()) },
  mix: { request: mixRequest },
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
      setupRequest: (request) => {
        const fresh = spec.request(pool);
        const edge = edgeSampleRatio === undefined ? {} : { traceparent: edgeTraceparent(edgeSampleRatio) };
        return { ...request, method: fresh.method, path: fresh.path, headers: { ...request.headers, ...fresh.headers, ...edge }, body: fresh.body } as typeof request;
      },
    },
  ];
}
