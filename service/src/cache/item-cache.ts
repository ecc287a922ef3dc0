import type Redis from 'ioredis';
import type { Logger } from '../logger';
import type { Item } from '../db/schema';
import { appMetrics, type CacheResult } from '../telemetry/app-metrics';

export interface ItemCache {
  get(id: number): Promise<Item | undefined>;
  /** Fills the cache after a read from Postgres, unless the item was written meanwhile. */
  set(item: Item): Promise<void>;
  invalidate(id: number): Promise<void>;
}

const key = (id: number) => `item:${id}`;
const recentWriteKey = (id: number) => `item:${id}:written`;

/**
 * How long a write keeps readers from filling the cache. A reader that loaded the row before a write
 * committed must not put it back after the write's invalidation; any read slower than this could.
 */
export const writeGuardMs = 5_000;

/** SET the entry only if no write to the item happened within the guard window, atomically. */
const fillUnlessRecentlyWritten = `
if redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
return 1`;

type GuardedRedis = Redis & {
  fillItemUnlessWritten(entryKey: string, guardKey: string, value: string, ttlSeconds: number): Promise<number>;
};

/**
 * Read-through cache of single items. Every failure is absorbed: the caller then reads Postgres, and a
 * failed invalidation is bounded by the TTL. Writers mark the item as recently written before deleting
 * its entry, and fills check that mark, so a read racing a write cannot cache the row the write replaced.
 */
export function createItemCache(redis: Redis, ttlSeconds: number, logger: Logger): ItemCache {
  const guarded = redis as GuardedRedis;
  if (typeof guarded.fillItemUnlessWritten !== 'function') {
    redis.defineCommand('fillItemUnlessWritten', { numberOfKeys: 2, lua: fillUnlessRecentlyWritten });
  }
  const lookups = appMetrics().cacheLookups;
  const record = (result: CacheResult) => lookups.add(result, 1, () => ({ 'cache.name': 'item', 'cache.result': result }));
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
        await guarded.fillItemUnlessWritten(key(item.id), recentWriteKey(item.id), JSON.stringify(item), ttlSeconds);
      } catch (error) {
        logger.debug({ err: error, itemId: item.id }, 'cache write failed');
      }
    },
    async invalidate(id) {
      try {
        await redis.multi().set(recentWriteKey(id), '1', 'PX', writeGuardMs).del(key(id)).exec();
      } catch (error) {
        logger.warn({ err: error, itemId: id }, `cache invalidation failed; entry may be stale for up to ${ttlSeconds}s`);
      }
    },
  };
}
