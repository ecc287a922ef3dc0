import { setTimeout as sleep } from 'node:timers/promises';
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { sql } from 'drizzle-orm';
import type { Database } from '../db/client';
import { taskStatuses } from '../db/schema';
import { notFound, retryLater, SimulatedFailure } from '../http/errors';
import { errorResponses, jsonContent, tags, timestamp } from '../http/openapi';
import { decimalInteger, probability, refuseInvalidRequest } from '../http/validation';
import type { HeavyTaskQueue } from '../tasks/heavy-task-queue';

/** Upper bounds that keep one request from taking a replica down. */
export const simulationLimits = {
  latencyMs: 10_000,
  jitterMs: 5_000,
  slowQueryMs: 5_000,
  heavyTaskWorkMs: 30_000,
} as const;

const defaultHeavyTaskWorkMs = 2_000;

const queryParam = (name: string) => ({ param: { name, in: 'query' as const } });
const latencyQuery = z.object({
  ms: decimalInteger(0, simulationLimits.latencyMs).default(200).openapi({ ...queryParam('ms'), default: 200 }),
  jitter: decimalInteger(0, simulationLimits.jitterMs).default(0).openapi({ ...queryParam('jitter'), default: 0, description: 'the delay is ms ± up to jitter, never below 0' }),
});
const errorQuery = z.object({ rate: probability().default(0.5).openapi({ ...queryParam('rate'), default: '0.5', description: 'probability of the 500, from 0 to 1 in plain decimal notation' }) });
const slowQuery = z.object({ ms: decimalInteger(0, simulationLimits.slowQueryMs).default(1_000).openapi({ ...queryParam('ms'), default: 1_000 }) });
const heavyTaskBody = z
  .strictObject({
    workMs: z.number().int().min(1).max(simulationLimits.heavyTaskWorkMs).default(defaultHeavyTaskWorkMs),
  })
  .openapi('HeavyTaskRequest');
const taskIdParam = z.object({ id: z.uuid().openapi({ param: { name: 'id', in: 'path' } }) });

const heavyTask = z
  .object({
    id: z.uuid(),
    kind: z.literal('heavy-task'),
    status: z.enum(taskStatuses),
    parameters: z.object({ workMs: z.number().int() }),
    result: z.object({ rounds: z.number().int(), digest: z.string() }).nullable().openapi({ description: 'set once the task succeeded' }),
    error: z.string().nullable().openapi({ description: 'why the task failed' }),
    createdAt: timestamp,
    startedAt: timestamp.nullable(),
    finishedAt: timestamp.nullable(),
  })
  .openapi('HeavyTask');

const taskNotFound = { 404: errorResponses.jsonError('`not_found`: no task has this id') };

const latency = createRoute({
  operationId: 'simulateLatency',
  method: 'get',
  path: '/latency',
  tags: [tags.simulate],
  description: 'Answers after a delay.',
  request: { query: latencyQuery },
  responses: {
    200: { description: 'the delay it took', content: jsonContent(z.object({ delayedMs: z.number().int().min(0) })) },
    ...errorResponses.invalidParameters,
    ...errorResponses.serverFault,
  },
});

const failure = createRoute({
  operationId: 'simulateError',
  method: 'get',
  path: '/error',
  tags: [tags.simulate],
  description: 'Fails on purpose with probability `rate`: its 500 is the point of the route.',
  request: { query: errorQuery },
  responses: {
    200: { description: 'this time it did not fail', content: jsonContent(z.object({ failed: z.literal(false), rate: z.number().min(0).max(1) })) },
    ...errorResponses.invalidParameters,
    500: errorResponses.jsonError('`simulated_failure`: the failure asked for; or `internal_error`, `injected_fault`'),
  },
});

const slowStatement = createRoute({
  operationId: 'simulateSlowQuery',
  method: 'get',
  path: '/slow-query',
  tags: [tags.simulate],
  description: 'Runs `pg_sleep` on Postgres; at most a quarter of the connection pool at once per replica.',
  request: { query: slowQuery },
  responses: {
    200: { description: 'the statement slept this long', content: jsonContent(z.object({ sleptMs: z.number().int().min(0) })) },
    ...errorResponses.invalidParameters,
    429: errorResponses.retryLater('`too_many_slow_queries`: this replica runs as many slow statements as it allows'),
    ...errorResponses.serverFault,
    ...errorResponses.databaseUnavailable,
  },
});

const submitHeavyTask = createRoute({
  operationId: 'submitHeavyTask',
  method: 'post',
  path: '/heavy-task',
  tags: [tags.simulate],
  description: `Queues CPU work that runs in the background, its trace linked to this request. The body may be left out (workMs ${defaultHeavyTaskWorkMs}).`,
  request: { body: { content: jsonContent(heavyTaskBody), required: false } },
  responses: {
    202: {
      description: 'accepted; its state is at Location',
      content: jsonContent(z.object({ taskId: z.uuid(), status: z.literal('queued') })),
      links: { getHeavyTask: { operationId: 'getHeavyTask', parameters: { id: '$response.body#/taskId' } } },
      headers: z.object({ Location: z.string().openapi({ description: '/simulate/heavy-task/{taskId}' }) }),
    },
    ...errorResponses.invalidBody,
    429: errorResponses.retryLater('`queue_full`: the replica holds as many unfinished tasks as it allows'),
    ...errorResponses.serverFault,
    503: errorResponses.retryLater('`shutting_down`: the replica is shutting down; or `database_unavailable`'),
  },
});

const heavyTaskState = createRoute({
  operationId: 'getHeavyTask',
  method: 'get',
  path: '/heavy-task/{id}',
  tags: [tags.simulate],
  description: 'Task state is kept in Postgres, so any replica answers.',
  request: { params: taskIdParam },
  responses: {
    200: { description: 'the task', content: jsonContent(heavyTask) },
    ...errorResponses.invalidParameters,
    ...taskNotFound,
    ...errorResponses.serverFault,
    ...errorResponses.databaseUnavailable,
  },
});

/**
 * @param slowQueryConcurrency Slow queries allowed at once: each holds a pooled connection for its whole
 *   duration, so unbounded they would starve every other statement (readiness included).
 */
export function simulateRoutes(db: Database, tasks: HeavyTaskQueue, slowQueryConcurrency: number) {
  let slowQueriesRunning = 0;
  return new OpenAPIHono({ defaultHook: refuseInvalidRequest })
    .openapi(latency, async (c) => {
      const { ms, jitter } = c.req.valid('query');
      const delayMs = Math.max(0, Math.round(ms + (Math.random() * 2 - 1) * jitter));
      await sleep(delayMs);
      return c.json({ delayedMs: delayMs }, 200);
    })
    .openapi(failure, (c) => {
      const { rate } = c.req.valid('query');
      if (Math.random() < rate) throw new SimulatedFailure(`simulated failure (rate ${rate})`);
      return c.json({ failed: false as const, rate }, 200);
    })
    .openapi(slowStatement, async (c) => {
      const { ms } = c.req.valid('query');
      if (slowQueriesRunning >= slowQueryConcurrency) {
        throw retryLater(429, 'too_many_slow_queries', `at most ${slowQueryConcurrency} slow queries run at once on this replica`);
      }
      slowQueriesRunning++;
      try {
        await db.execute(sql`select pg_sleep(${ms / 1000})`);
      } finally {
        slowQueriesRunning--;
      }
      return c.json({ sleptMs: ms }, 200);
    })
    .openapi(submitHeavyTask, async (c) => {
      // With the body left out the validator hands over {} unparsed: parsing it here applies the default.
      const task = await tasks.submit(heavyTaskBody.parse(c.req.valid('json')));
      c.header('Location', `/simulate/heavy-task/${task.id}`);
      return c.json({ taskId: task.id, status: 'queued' as const }, 202);
    })
    .openapi(heavyTaskState, async (c) => {
      const { id } = c.req.valid('param');
      const task = await tasks.get(id);
      if (!task) throw notFound('task', id);
      return c.json(task, 200);
    });
}
