import { and, eq, gte, sql } from 'drizzle-orm';
import type { ItemCache } from '../cache/item-cache';
import type { Database } from '../db/client';
import { items, orders, type Order } from '../db/schema';
import { mayHaveTakenEffect } from '../db/errors';
import { noDomainFaults, type DomainFaults } from '../faults/domain-faults';
import { ApiError, notFound, retryLater } from '../http/errors';
import { appMetrics } from '../telemetry/app-metrics';

export interface OrderRequest {
  readonly itemId: number;
  readonly quantity: number;
  readonly idempotencyKey: string;
}

export interface PlacedOrder {
  readonly order: Order;
  /** True when the key had already produced this order: nothing was changed this time. */
  readonly replayed: boolean;
}

/** Rolls back a transaction that lost an idempotency-key race: the winner's order is the answer. */
class LostIdempotencyRace extends Error {}

/**
 * The connection failed after the transaction was sent: it may have committed (the reply was lost) or not.
 * Only a replay with the same key can tell, and the key makes that replay safe.
 */
const outcomeUnknown = (request: OrderRequest) =>
  retryLater(
    503,
    'order_outcome_unknown',
    `the database connection was lost while the order was placed, so it may or may not exist; send the same request with Idempotency-Key ${JSON.stringify(request.idempotencyKey)} again to get its outcome`,
  );

const sameRequest = (order: Order, request: OrderRequest) =>
  order.itemId === request.itemId && order.quantity === request.quantity;

export function createOrderService(db: Database, cache: ItemCache, faults: DomainFaults = noDomainFaults) {
  const countOutcome = (outcome: 'created' | 'replayed' | 'insufficient_stock') =>
    appMetrics().orders.add(1, { 'order.outcome': outcome });

  async function existingOrder(request: OrderRequest): Promise<PlacedOrder | undefined> {
    const [order] = await db.select().from(orders).where(eq(orders.idempotencyKey, request.idempotencyKey));
    if (!order) return undefined;
    if (!sameRequest(order, request)) {
      throw new ApiError(422, 'idempotency_key_reused', 'Idempotency-Key was already used with a different request body', [
        { field: 'Idempotency-Key', message: 'already used for another request' },
      ]);
    }
    countOutcome('replayed');
    return { order, replayed: true };
  }

  return {
    async place(request: OrderRequest): Promise<PlacedOrder> {
      await faults.beforeDatabaseWork();
      const previous = await existingOrder(request);
      if (previous) return previous;
      try {
        const order = await db.transaction(async (tx) => {
          // One conditional update decrements stock only if enough is left: concurrent orders serialise on
          // the row lock and none can oversell, with no read-modify-write window.
          const [reserved] = await tx
            .update(items)
            .set({ stock: sql`${items.stock} - ${request.quantity}`, updatedAt: sql`now()` })
            .where(and(eq(items.id, request.itemId), gte(items.stock, request.quantity)))
            .returning({ priceCents: items.priceCents });
          if (!reserved) {
            const [item] = await tx.select({ stock: items.stock }).from(items).where(eq(items.id, request.itemId));
            if (!item) throw notFound('item', request.itemId);
            countOutcome('insufficient_stock');
            throw new ApiError(409, 'insufficient_stock', `item ${request.itemId} has ${item.stock} in stock, ${request.quantity} requested`);
          }
          const [inserted] = await tx
            .insert(orders)
            .values({
              itemId: request.itemId,
              quantity: request.quantity,
              totalCents: reserved.priceCents * request.quantity,
              idempotencyKey: request.idempotencyKey,
            })
            .onConflictDoNothing({ target: orders.idempotencyKey })
            .returning();
          if (!inserted) throw new LostIdempotencyRace();
          return inserted;
        });
        await cache.invalidate(request.itemId);
        countOutcome('created');
        return { order, replayed: false };
      } catch (error) {
        if (mayHaveTakenEffect(error)) throw outcomeUnknown(request);
        if (!(error instanceof LostIdempotencyRace)) throw error;
        const winner = await existingOrder(request);
        if (!winner) throw new Error('idempotency key conflicted but no order holds it');
        return winner;
      }
    },

    async get(id: number): Promise<Order> {
      await faults.beforeDatabaseWork();
      const [order] = await db.select().from(orders).where(eq(orders.id, id));
      if (!order) throw notFound('order', id);
      return order;
    },
  };
}

export type OrderService = ReturnType<typeof createOrderService>;
