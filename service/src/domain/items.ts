import { asc, eq, gt, sql } from 'drizzle-orm';
import type { ItemCache } from '../cache/item-cache';
import type { Database } from '../db/client';
import { databaseErrorCode } from '../db/errors';
import { noDomainFaults, type DomainFaults } from '../faults/domain-faults';
import { items, type Item } from '../db/schema';
import { ApiError, notFound } from '../http/errors';

export interface NewItem {
  readonly name: string;
  readonly priceCents: number;
  readonly stock: number;
}

export type ItemChanges = Partial<NewItem>;

export interface ItemPage {
  readonly items: Item[];
  /** Opaque cursor for the next page; null on the last page. */
  readonly nextCursor: string | null;
}

const encodeCursor = (lastId: number) => Buffer.from(`id:${lastId}`).toString('base64url');

/** Decodes a cursor this service issued; anything else is the client's mistake. */
export function decodeCursor(cursor: string): number {
  const match = /^id:(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!match?.[1]) throw new ApiError(400, 'invalid_parameters', 'cursor is not one this API issued', [{ field: 'cursor', message: 'invalid cursor' }]);
  return Number(match[1]);
}

export function createItemService(db: Database, cache: ItemCache, faults: DomainFaults = noDomainFaults) {
  return {
    async create(input: NewItem): Promise<Item> {
      await faults.beforeDatabaseWork();
      const [created] = await db.insert(items).values(input).returning();
      return created!;
    },

    async get(id: number): Promise<Item> {
      const useCache = !faults.cacheBypass();
      const cached = useCache ? await cache.get(id) : undefined;
      if (cached) return cached;
      await faults.beforeDatabaseWork();
      const [found] = await db.select().from(items).where(eq(items.id, id));
      if (!found) throw notFound('item', id);
      if (useCache) await cache.set(found);
      return found;
    },

    /** Keyset pagination on the primary key: stable under concurrent inserts, O(limit) at any depth. */
    async list(limit: number, cursor?: string): Promise<ItemPage> {
      const afterId = cursor === undefined ? undefined : decodeCursor(cursor);
      await faults.beforeDatabaseWork();
      const rows = await db
        .select()
        .from(items)
        .where(afterId === undefined ? undefined : gt(items.id, afterId))
        .orderBy(asc(items.id))
        .limit(limit + 1);
      const page = rows.slice(0, limit);
      const hasMore = rows.length > limit;
      return { items: page, nextCursor: hasMore ? encodeCursor(page[page.length - 1]!.id) : null };
    },

    async update(id: number, changes: ItemChanges): Promise<Item> {
      await faults.beforeDatabaseWork();
      const [updated] = await db
        .update(items)
        .set({ ...changes, updatedAt: sql`now()` })
        .where(eq(items.id, id))
        .returning();
      if (!updated) throw notFound('item', id);
      await cache.invalidate(id);
      return updated;
    },

    async remove(id: number): Promise<void> {
      let deleted: { id: number }[];
      await faults.beforeDatabaseWork();
      try {
        deleted = await db.delete(items).where(eq(items.id, id)).returning({ id: items.id });
      } catch (error) {
        if (databaseErrorCode(error) === '23503') {
          throw new ApiError(409, 'item_has_orders', `item ${id} has orders and cannot be deleted`);
        }
        // The delete may have committed before the error reached us: its entry must not outlive it.
        await cache.invalidate(id);
        throw error;
      }
      if (deleted.length === 0) throw notFound('item', id);
      await cache.invalidate(id);
    },
  };
}

export type ItemService = ReturnType<typeof createItemService>;
