import type Redis from 'ioredis';
import type { Logger } from '../logger';
import type { Item } from '../db/schema';
import { appMetrics } from '../telemetry/app-metrics';

export interface ItemCache {
  get(id: number): Promise<Item | undefined>;
  set(item: Item): Promise<void>;
  invalidate(id: number): Promise<void>;
}

const key = (id: number) => `item:${id}`;

/**
 * Read-through cache of single items. Every failure is absorbed: the caller then reads Postgres, and a
 * failed invalidation is bounded by the TTL.
 */
export function createItemCache(redis: Redis, ttlSeconds: number, logger: Logger): ItemCache {
  const record = (result: 'hit' | 'miss' | 'error') =>
    appMetrics().cacheLookups.add(1, { 'cache.name': 'item', 'cache.result': result });
  return {
    async get(id) {
      try {
        const cached = await redis.get(key(id));
        record(cached === null ? 'miss' : 'hit');
        return cached === null ? undefined : (JSON.parse(cached) as Item);
      } catch (error) {
        record('error');
        logger.debug({ err: error, itemId: id }, 'cache read failed');
        return undefined;
      }
    },
    async set(item) {
      try {
        await redis.set(key(item.id), JSON.stringify(item), 'EX', ttlSeconds);
      } catch (error) {
        logger.debug({ err: error, itemId: item.id }, 'cache write failed');
      }
    },
    async invalidate(id) {
      try {
        await redis.del(key(id));
      } catch (error) {
        logger.warn({ err: error, itemId: id }, `cache invalidation failed; entry may be stale for up to ${ttlSeconds}s`);
      }
    },
  };
}
