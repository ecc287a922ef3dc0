import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'drizzle-orm';
import { Hono } from 'hono';
import { z } from 'zod';
import type { Database } from '../db/client';
import { notFound, retryLater, SimulatedFailure } from '../http/errors';
import { decimalInteger, decimalNumber, parseJsonBody, parseParams } from '../http/validation';
import type { HeavyTaskQueue } from '../tasks/heavy-task-queue';

/** Upper bounds that keep one request from taking a replica down. */
export const simulationLimits = {
  latencyMs: 10_000,
  jitterMs: 5_000,
  slowQueryMs: 5_000,
  heavyTaskWorkMs: 30_000,
} as const;

const latencyQuery = z.object({
  ms: decimalInteger(0, simulationLimits.latencyMs).default(200),
  jitter: decimalInteger(0, simulationLimits.jitterMs).default(0),
});
const errorQuery = z.object({ rate: decimalNumber(0, 1).default(0.5) });
const slowQuery = z.object({ ms: decimalInteger(0, simulationLimits.slowQueryMs).default(1_000) });
const heavyTaskBody = z.strictObject({
  workMs: z.number().int().min(1).max(simulationLimits.heavyTaskWorkMs).default(2_000),
});
const taskIdParam = z.object({ id: z.uuid() });

/**
 * @param slowQueryConcurrency Slow queries allowed at once: each holds a pooled connection for its whole
 *   duration, so unbounded they would starve every other statement (readiness included).
 */
export function simulateRoutes(db: Database, tasks: HeavyTaskQueue, slowQueryConcurrency: number) {
  let slowQueriesRunning = 0;
  return new Hono()
    .get('/latency', async (c) => {
      const { ms, jitter } = parseParams(c.req.query(), latencyQuery);
      const delayMs = Math.max(0, Math.round(ms + (Math.random() * 2 - 1) * jitter));
      await sleep(delayMs);
      return c.json({ delayedMs: delayMs });
    })
    .get('/error', (c) => {
      const { rate } = parseParams(c.req.query(), errorQuery);
      if (Math.random() < rate) throw new SimulatedFailure(`simulated failure (rate ${rate})`);
      return c.json({ failed: false, rate });
    })
    .get('/slow-query', async (c) => {
      const { ms } = parseParams(c.req.query(), slowQuery);
      if (slowQueriesRunning >= slowQueryConcurrency) {
        throw retryLater(429, 'too_many_slow_queries', `at most ${slowQueryConcurrency} slow queries run at once on this replica`);
      }
      slowQueriesRunning++;
      try {
        await db.execute(sql`select pg_sleep(${ms / 1000})`);
      } finally {
        slowQueriesRunning--;
      }
      return c.json({ sleptMs: ms });
    })
    .post('/heavy-task', async (c) => {
      const hasBody = (c.req.header('content-length') ?? '0') !== '0' || c.req.header('transfer-encoding') !== undefined;
      const parameters = hasBody ? await parseJsonBody(c, heavyTaskBody) : heavyTaskBody.parse({});
      const task = await tasks.submit(parameters);
      c.header('Location', `/simulate/heavy-task/${task.id}`);
      return c.json({ taskId: task.id, status: task.status }, 202);
    })
    .get('/heavy-task/:id', async (c) => {
      const { id } = parseParams(c.req.param(), taskIdParam);
      const task = await tasks.get(id);
      if (!task) throw notFound('task', id);
      return c.json(task);
    });
}
