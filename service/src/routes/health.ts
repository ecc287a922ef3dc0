import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { sql } from 'drizzle-orm';
import type Redis from 'ioredis';
import type { Database } from '../db/client';
import { jsonContent, tags } from '../http/openapi';

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

const checks = z.object({ database: z.enum(['ok', 'unavailable']), cache: z.enum(['ok', 'degraded']) });

const live = createRoute({
  operationId: 'live',
  method: 'get',
  path: '/live',
  tags: [tags.health],
  description: 'The process runs.',
  responses: { 200: { description: 'alive', content: jsonContent(z.object({ status: z.literal('ok') })) } },
});

const ready = createRoute({
  operationId: 'ready',
  method: 'get',
  path: '/ready',
  tags: [tags.health],
  description: 'Whether a load balancer should send this replica requests.',
  responses: {
    200: {
      description: '`ok`; or `degraded` while Postgres or Redis is unreachable: the replica stays in and answers what it can',
      content: jsonContent(z.object({ status: z.enum(['ok', 'degraded']), checks })),
    },
    503: {
      description: '`starting`: the replica has not reached Postgres yet; `shutting_down`: it is draining',
      content: jsonContent(z.union([z.object({ status: z.literal('starting'), checks }), z.object({ status: z.literal('shutting_down') })])),
    },
  },
});

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
  return new OpenAPIHono()
    .openapi(live, (c) => c.json({ status: 'ok' as const }, 200))
    .openapi(ready, async (c) => {
      if (isShuttingDown()) return c.json({ status: 'shutting_down' as const }, 503);
      const [database, cache] = await Promise.all([
        probe(() => db.execute(sql`select 1`)),
        probe(() => redis.ping()),
      ]);
      if (database === 'ok') reachedDatabase = true;
      const probed = { database, cache: cache === 'ok' ? ('ok' as const) : ('degraded' as const) };
      if (!reachedDatabase) return c.json({ status: 'starting' as const, checks: probed }, 503);
      return c.json({ status: database === 'ok' && cache === 'ok' ? ('ok' as const) : ('degraded' as const), checks: probed }, 200);
    });
}
