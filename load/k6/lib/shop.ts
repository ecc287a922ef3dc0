import http, { type RefinedResponse } from 'k6/http';
import { check } from 'k6';
import { requestParams, type RequestOptions, type Target } from './target.ts';
import { routes, type RouteKey } from './routes.ts';

/**
 * A thin client for the shop API. Each call sends the Host header and route tags (via requestParams), and
 * records a check named after the route and the status it expects, so a failing smoke says which route broke.
 */

export type Id = string;
export type Response = RefinedResponse<'text'>;

export interface Item {
  readonly id: Id;
  readonly name: string;
  readonly priceCents: number;
  readonly stock: number;
}

export interface NewItem {
  readonly name: string;
  readonly priceCents: number;
  readonly stock: number;
}

function url(target: Target, path: string): string {
  return `${target.baseUrl}${path}`;
}

function expectStatus(res: Response, route: RouteKey, status: number, tags?: RequestOptions['tags']): boolean {
  return check(
    res,
    { [`${routes[route].name} -> ${status}`]: (r) => r.status === status },
    { ...tags, route: routes[route].route },
  );
}

/** The `id` field of a JSON body, as a string (the contract does not fix numeric or uuid ids). */
function idOf(res: Response): Id | undefined {
  if (typeof res.body !== 'string' || res.body === '') return undefined;
  try {
    const body: unknown = JSON.parse(res.body);
    if (typeof body === 'object' && body !== null && 'id' in body) {
      const id = (body as { id: unknown }).id;
      if (typeof id === 'string' || typeof id === 'number') return String(id);
    }
  } catch {
    return undefined;
  }
  return undefined;
}

export function createItem(target: Target, item: NewItem, options?: RequestOptions): Id | undefined {
  const res = http.post(url(target, '/api/items'), JSON.stringify(item), requestParams(target, 'itemCreate', options));
  return expectStatus(res, 'itemCreate', 201, options?.tags) ? idOf(res) : undefined;
}

export function readItem(target: Target, id: Id, options?: RequestOptions): Response {
  const res = http.get(url(target, `/api/items/${encodeURIComponent(id)}`), requestParams(target, 'itemRead', options));
  expectStatus(res, 'itemRead', 200, options?.tags);
  return res;
}

export interface ItemPage {
  readonly items: readonly Item[];
  readonly nextCursor: string | null;
}

export function listItems(target: Target, limit: number, cursor?: string | null, options?: RequestOptions): ItemPage | undefined {
  const query = `limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
  const res = http.get(url(target, `/api/items?${query}`), requestParams(target, 'itemList', options));
  if (!expectStatus(res, 'itemList', 200, options?.tags)) return undefined;
  try {
    return JSON.parse(String(res.body)) as ItemPage;
  } catch {
    return undefined;
  }
}

export function updateItem(target: Target, id: Id, patch: Partial<NewItem>, options?: RequestOptions): Response {
  const res = http.patch(
    url(target, `/api/items/${encodeURIComponent(id)}`),
    JSON.stringify(patch),
    requestParams(target, 'itemUpdate', options),
  );
  expectStatus(res, 'itemUpdate', 200, options?.tags);
  return res;
}

export function deleteItem(target: Target, id: Id, options?: RequestOptions): Response {
  const res = http.del(url(target, `/api/items/${encodeURIComponent(id)}`), null, requestParams(target, 'itemDelete', options));
  check(res, { [`${routes.itemDelete.name} -> 2xx`]: (r) => r.status === 200 || r.status === 204 }, { route: routes.itemDelete.route });
  return res;
}

export interface OrderResult {
  readonly response: Response;
  readonly orderId: Id | undefined;
}

/** POST /api/orders under an Idempotency-Key: a replay with the same key must return the same order. */
export function createOrder(target: Target, itemId: Id, quantity: number, idempotencyKey: string, options?: RequestOptions): OrderResult {
  const res = http.post(
    url(target, '/api/orders'),
    // Ids travel as strings in paths; the order body wants the number the API returned (bigint ids as numbers).
    JSON.stringify({ itemId: /^\d+$/.test(itemId) ? Number(itemId) : itemId, quantity }),
    requestParams(target, 'orderCreate', { ...options, headers: { ...options?.headers, 'Idempotency-Key': idempotencyKey } }),
  );
  const ok = expectStatus(res, 'orderCreate', 201, options?.tags);
  return { response: res, orderId: ok ? idOf(res) : undefined };
}

export function readOrder(target: Target, id: Id, options?: RequestOptions): Response {
  const res = http.get(url(target, `/api/orders/${encodeURIComponent(id)}`), requestParams(target, 'orderRead', options));
  expectStatus(res, 'orderRead', 200, options?.tags);
  return res;
}

export function simulateLatency(target: Target, ms: number, jitterMs: number, options?: RequestOptions): Response {
  const res = http.get(url(target, `/simulate/latency?ms=${ms}&jitter=${jitterMs}`), requestParams(target, 'simulateLatency', options));
  expectStatus(res, 'simulateLatency', 200, options?.tags);
  return res;
}

/** /simulate/error fails on purpose with probability `rate`: callers decide which statuses count as expected. */
export function simulateError(target: Target, rate: number, options?: RequestOptions): Response {
  return http.get(url(target, `/simulate/error?rate=${rate}`), requestParams(target, 'simulateError', options));
}

export function startHeavyTask(target: Target, options?: RequestOptions): Id | undefined {
  const res = http.post(url(target, '/simulate/heavy-task'), '{}', requestParams(target, 'heavyTaskStart', options));
  if (!expectStatus(res, 'heavyTaskStart', 202, options?.tags)) return undefined;
  try {
    const body = JSON.parse(String(res.body)) as { taskId?: unknown };
    return typeof body.taskId === 'string' || typeof body.taskId === 'number' ? String(body.taskId) : undefined;
  } catch {
    return undefined;
  }
}

export function readHeavyTask(target: Target, taskId: Id, options?: RequestOptions): Response {
  const res = http.get(url(target, `/simulate/heavy-task/${encodeURIComponent(taskId)}`), requestParams(target, 'heavyTaskRead', options));
  expectStatus(res, 'heavyTaskRead', 200, options?.tags);
  return res;
}

export function slowQuery(target: Target, ms: number, options?: RequestOptions): Response {
  const res = http.get(url(target, `/simulate/slow-query?ms=${ms}`), requestParams(target, 'slowQuery', options));
  expectStatus(res, 'slowQuery', 200, options?.tags);
  return res;
}

export function healthLive(target: Target, options?: RequestOptions): Response {
  const res = http.get(url(target, '/health/live'), requestParams(target, 'healthLive', options));
  expectStatus(res, 'healthLive', 200, options?.tags);
  return res;
}

export function healthReady(target: Target, options?: RequestOptions): Response {
  const res = http.get(url(target, '/health/ready'), requestParams(target, 'healthReady', options));
  expectStatus(res, 'healthReady', 200, options?.tags);
  return res;
}

/**
 * One readiness poll: GET /health/ready with no check and every status expected (404 before Traefik has
 * loaded the route, 502/503 before it has seen a replica up are "not yet", not failures). The caller
 * decides from the status; the `phase: readiness` tag keeps these apart in the summary.
 */
export function readinessPoll(target: Target): Response {
  return http.get(
    url(target, '/health/ready'),
    requestParams(target, 'healthReady', { expectedStatuses: http.expectedStatuses({ min: 100, max: 599 }), tags: { phase: 'readiness' }, timeout: '5s' }),
  );
}
