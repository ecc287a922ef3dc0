/**
 * A small steady client through the load balancer, standing in for k6's soak (15 requests/s, a constant
 * arrival rate) with its mix (load/k6/lib/mix.ts): mostly item reads the cache serves, list pages, item
 * writes, orders under idempotency keys, and a trickle of /simulate traffic. It counts answers by status,
 * which the results report beside the recorded series.
 */
import { randomUUID } from 'node:crypto';

export interface SteadyClient {
  /** Answers by status since the last call (`error` for a request that got no answer). */
  takeCounts(): Record<string, number>;
  stop(): Promise<void>;
}

const mix = [
  ['cachedRead', 55],
  ['listPage', 18],
  ['itemWrite', 10],
  ['order', 12],
  ['simulate', 5],
] as const;

function choose(): (typeof mix)[number][0] {
  let roll = Math.random() * 100;
  for (const [action, weight] of mix) {
    if ((roll -= weight) < 0) return action;
  }
  return 'cachedRead';
}

const json = (method: string, body: unknown, headers: Record<string, string> = {}): RequestInit => ({
  method,
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

export async function startSteadyClient(baseUrl: string, ratePerSecond: number, poolSize = 50): Promise<SteadyClient> {
  const itemIds: number[] = [];
  for (let i = 0; i < poolSize; i++) {
    const res = await fetch(`${baseUrl}/api/items`, json('POST', { name: `rehearsal item ${i}`, priceCents: 100 + i, stock: 1_000_000 }));
    if (res.status === 201) itemIds.push(((await res.json()) as { id: number }).id);
  }
  if (itemIds.length === 0) throw new Error(`the client could not create one item through ${baseUrl}`);
  const pick = () => itemIds[Math.floor(Math.random() * itemIds.length)]!;
  let counts: Record<string, number> = {};
  const inFlight = new Set<Promise<void>>();
  const request = (path: string, init?: RequestInit) => {
    const done = fetch(`${baseUrl}${path}`, { ...init, signal: AbortSignal.timeout(10_000) })
      .then(async (res) => {
        await res.arrayBuffer();
        counts[res.status] = (counts[res.status] ?? 0) + 1;
      })
      .catch(() => {
        counts.error = (counts.error ?? 0) + 1;
      })
      .finally(() => inFlight.delete(done));
    inFlight.add(done);
  };
  const iteration = () => {
    switch (choose()) {
      case 'cachedRead':
        return request(`/api/items/${pick()}`);
      case 'listPage':
        return request('/api/items?limit=20');
      case 'itemWrite':
        return Math.random() < 0.5
          ? request('/api/items', json('POST', { name: `rehearsal item ${Date.now()}`, priceCents: 500, stock: 100 }))
          : request(`/api/items/${pick()}`, json('PATCH', { priceCents: 100 + Math.floor(Math.random() * 900) }));
      case 'order':
        return request('/api/orders', json('POST', { itemId: pick(), quantity: 1 }, { 'Idempotency-Key': randomUUID() }));
      case 'simulate':
        return Math.random() < 0.5 ? request('/simulate/latency?ms=50&jitter=50') : request('/simulate/error?rate=0.05');
    }
  };
  const timer = setInterval(iteration, 1000 / ratePerSecond);
  return {
    takeCounts() {
      const taken = counts;
      counts = {};
      return taken;
    },
    async stop() {
      clearInterval(timer);
      await Promise.all([...inFlight]);
    },
  };
}
