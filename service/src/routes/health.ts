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
 * Liveness says the process runs. Readiness says whether a load balancer should send this replica requests:
 * not before it has reached Postgres once (start-up), not once it is shutting down. An outage of a dependency
 * every replica shares (Postgres, Redis) does not take it out: pulled out, every replica goes at once and the
 * balancer answers 503 itself (Traefik: no healthy server; Kubernetes: a Service with no endpoints), while
 * in, each replica answers what it still can (cached reads), refuses the rest at once with a clear 503 and
 * Retry-After, and its metrics, traces and logs say why. Readiness reports the outage as `degraded`.
 */
export function healthRoutes({ db, redis, isShuttingDown }: HealthDependencies) {
  let reachedDatabase = false;
  return new Hono()
    .get('/live', (c) => c.json({ status: 'ok' }))
    .get('/ready', async (c) => {
      if (isShuttingDown()) return c.json({ status: 'shutting_down' }, 503);
      const [database, cache] = await Promise.all([
        probe(() => db.execute(sql`select 1`)),
        probe(() => redis.ping()),
      ]);
      if (database === 'ok') reachedDatabase = true;
      const checks = { database, cache: cache === 'ok' ? 'ok' : 'degraded' };
      if (!reachedDatabase) return c.json({ status: 'starting', checks }, 503);
      return c.json({ status: database === 'ok' && cache === 'ok' ? 'ok' : 'degraded', checks }, 200);
    });
}
