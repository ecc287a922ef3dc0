import { chooseWeighted } from './choose.ts';
import { trafficMix } from './traffic-mix.ts';
import { idempotencyKey } from './random.ts';
import { createItem, createOrder, listItems, readItem, simulateError, simulateLatency, updateItem, type Id } from './shop.ts';
import type { Target } from './target.ts';
import http from 'k6/http';

/** Items created in setup(): enough stock that orders never hit 409 by exhaustion. */
export interface ItemPool {
  readonly itemIds: readonly Id[];
}

export function setupItemPool(target: Target, size: number): ItemPool {
  const itemIds: Id[] = [];
  for (let i = 0; i < size; i++) {
    const id = createItem(target, { name: `k6 pool item ${i}`, priceCents: 100 + i, stock: 1_000_000 });
    if (id !== undefined) itemIds.push(id);
  }
  if (itemIds.length === 0) throw new Error('setup could not create a single item: is the service reachable?');
  return { itemIds };
}

function pick<T>(values: readonly T[]): T {
  const value = values[Math.floor(Math.random() * values.length)];
  if (value === undefined) throw new Error('cannot pick from an empty list');
  return value;
}

/** Keys this VU used, so a share of orders can replay one (the idempotent path). */
const recentKeys: Array<{ key: string; itemId: Id }> = [];

function order(target: Target, pool: ItemPool): void {
  const replay = recentKeys.length > 0 && Math.random() < 0.1;
  const previous = replay ? pick(recentKeys) : undefined;
  const itemId = previous?.itemId ?? pick(pool.itemIds);
  const key = previous?.key ?? idempotencyKey();
  createOrder(target, itemId, 1, key);
  if (!previous) {
    recentKeys.push({ key, itemId });
    if (recentKeys.length > 50) recentKeys.shift();
  }
}

function itemWrite(target: Target, pool: ItemPool): void {
  if (Math.random() < 0.5) {
    createItem(target, { name: `k6 item ${Date.now()}`, priceCents: 500, stock: 100 });
  } else {
    updateItem(target, pick(pool.itemIds), { priceCents: 100 + Math.floor(Math.random() * 900) });
  }
}

function simulate(target: Target): void {
  if (Math.random() < 0.5) {
    simulateLatency(target, 50, 50);
  } else {
    // A 5% failure rate is the point of this route: its 500s are expected, not errors of the run.
    simulateError(target, 0.05, { expectedStatuses: http.expectedStatuses({ min: 200, max: 299 }, 500) });
  }
}

export function mixedIteration(target: Target, pool: ItemPool): void {
  const action = chooseWeighted(trafficMix, Math.random());
  switch (action) {
    case 'cachedRead':
      readItem(target, pick(pool.itemIds));
      break;
    case 'listPage': {
      const page = listItems(target, 20);
      // One in four readers pages on, exercising the cursor.
      if (page?.nextCursor && Math.random() < 0.25) listItems(target, 20, page.nextCursor);
      break;
    }
    case 'itemWrite':
      itemWrite(target, pool);
      break;
    case 'order':
      order(target, pool);
      break;
    case 'simulate':
      simulate(target);
      break;
  }
}
