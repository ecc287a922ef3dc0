import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Redis from 'ioredis';
import pino from 'pino';
import { createItemCache, type ItemCache } from '../src/cache/item-cache';
import type { Item } from '../src/db/schema';
import { startRedis, type TestServer } from './support/servers';

let server: TestServer;
let redis: Redis;
let cache: ItemCache;

const item = (id: number, stock: number): Item => ({
  id,
  name: `item-${id}`,
  priceCents: 100,
  stock,
  createdAt: '2026-11-25T00:00:00Z',
  updatedAt: '2026-11-25T00:00:00Z',
});

before(async () => {
  server = await startRedis();
  redis = new Redis(server.url);
  cache = createItemCache(redis, 60, pino({ level: 'silent' }));
});

after(async () => {
  await redis?.quit();
  await server?.dispose();
});

describe('item cache against a real Redis', () => {
  it('serves what a read filled', async () => {
    await cache.set(item(1, 5));
    assert.deepEqual(await cache.get(1), item(1, 5));
  });

  it('drops the entry on invalidation', async () => {
    await cache.set(item(2, 5));
    await cache.invalidate(2);
    assert.equal(await cache.get(2), undefined);
  });

  it('refuses a fill that races a write: a read that loaded the old row cannot cache it after the write', async () => {
    // The reader loaded stock 5, the writer committed stock 4 and invalidated, then the reader fills.
    await cache.invalidate(3);
    await cache.set(item(3, 5));
    assert.equal(await cache.get(3), undefined, 'the pre-write row was cached after the write');
  });
});
