import { sql } from 'drizzle-orm';
import { Hono } from 'hono';
import type Redis from 'ioredis';
import type { Database } from '../db/client';

const probeTimeoutMs = 1_000;

async function probe(check: () => Promise<unknown>): Promise<'ok' | 'unavailable'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('probe timed out')), probeTimeoutMs);
  });
  try {
    await Promise.race([check(), timeout]);
    return 'ok';
  } catch {
    return 'unavailable';
  } finally {
    clearTimeout(timer);
  }
}

export interface HealthDependencies {
  readonly db: Database;
  readonly redis: Redis;
  readonly isShuttingDown: () => boolean;
}

/**
 * Liveness says the process runs. Readiness needs Postgres; a Redis outage only degrades it (200 with the
 * cache reported degraded), because requests still succeed from Postgres and pulling every replica out of
 * the load balancer for a cache outage would turn a slowdown into a full outage.
 */
export function healthRoutes({ db, redis, isShuttingDown }: HealthDependencies) {
  return new Hono()
    .get('/live', (c) => c.json({ status: 'ok' }))
    .get('/ready', async (c) => {
      if (isShuttingDown()) return c.json({ status: 'shutting_down' }, 503);
      const [database, cache] = await Promise.all([
        probe(() => db.execute(sql`select 1`)),
        probe(() => redis.ping()),
      ]);
      const ready = database === 'ok';
      const body = {
        status: !ready ? 'unavailable' : cache === 'ok' ? 'ok' : 'degraded',
        checks: { database, cache: cache === 'ok' ? 'ok' : 'degraded' },
      };
      return c.json(body, ready ? 200 : 503);
    });
}
