import { randomUUID } from 'node:crypto';
import { context, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type SpanContext } from '@opentelemetry/api';
import { eq } from 'drizzle-orm';
import type { Database } from '../db/client';
import { backgroundTasks, type BackgroundTask } from '../db/schema';
import { retryLater } from '../http/errors';
import type { Logger } from '../logger';
import { appMetrics } from '../telemetry/app-metrics';
import { withSpanProfile } from '../telemetry/profiling/span-profiles';
import { burnCpu } from './cpu-work';

export interface HeavyTaskParameters {
  readonly workMs: number;
}

export interface HeavyTaskQueueOptions {
  readonly concurrency: number;
  /** Tasks accepted but unfinished (waiting and running) beyond which new ones are refused with 429. */
  readonly limit: number;
}

interface PendingTask {
  readonly id: string;
  readonly parameters: HeavyTaskParameters;
  /** The request that asked for the work: the task's own trace links back to it. */
  readonly origin?: SpanContext;
}

const kind = 'heavy-task';
const shutDownBeforeStart = 'replica shut down before the task started';
const tracer = () => trace.getTracer('@lab/service/tasks');

/**
 * An in-process work queue with bounded concurrency and length. Task state is written to Postgres, so any
 * replica can answer for a task; the work itself runs on the replica that accepted it.
 */
export function createHeavyTaskQueue(db: Database, logger: Logger, options: HeavyTaskQueueOptions) {
  const waiting: PendingTask[] = [];
  const running = new Set<Promise<void>>();
  /** When each running task is expected to finish: the earliest is when a slot frees up. */
  const expectedEnds = new Map<string, number>();
  /** Accepted tasks whose row is still being inserted, with their work: they count against the limit already. */
  const admitting = new Map<string, number>();
  const abort = new AbortController();
  let accepting = true;
  const depthAttributes = { 'task.type': kind };

  async function setState(id: string, changes: Partial<BackgroundTask>) {
    await db.update(backgroundTasks).set(changes).where(eq(backgroundTasks.id, id));
  }

  async function run(task: PendingTask) {
    const links = task.origin ? [{ context: task.origin }] : [];
    // A new trace per task, linked to the request: the request's trace ends at 202 and does not stretch
    // over minutes of background work.
    await tracer().startActiveSpan(`${kind} run`, { kind: SpanKind.INTERNAL, links, root: true, attributes: { 'task.id': task.id, 'task.type': kind } }, ROOT_CONTEXT, async (span) => {
      const started = performance.now();
      let outcome: 'succeeded' | 'failed' = 'succeeded';
      try {
        await setState(task.id, { status: 'running', startedAt: new Date().toISOString() });
        // The task's span is a root span: its CPU work shows in the profile under its id.
        const result = await withSpanProfile(span, () => burnCpu(task.parameters.workMs, abort.signal));
        span.setAttribute('task.rounds', result.rounds);
        await setState(task.id, { status: 'succeeded', result, finishedAt: new Date().toISOString() });
        logger.info({ taskId: task.id, rounds: result.rounds }, 'heavy task finished');
      } catch (error) {
        outcome = 'failed';
        const message = error instanceof Error ? error.message : String(error);
        span.recordException(error instanceof Error ? error : new Error(message));
        span.setStatus({ code: SpanStatusCode.ERROR, message });
        logger.error({ err: error, taskId: task.id }, 'heavy task failed');
        await setState(task.id, { status: 'failed', error: message, finishedAt: new Date().toISOString() }).catch((stateError: unknown) =>
          logger.error({ err: stateError, taskId: task.id }, 'could not record heavy task failure'),
        );
      } finally {
        appMetrics().taskDuration.record((performance.now() - started) / 1000, { ...depthAttributes, 'task.outcome': outcome });
        appMetrics().taskQueueDepth.add(-1, depthAttributes);
        span.end();
      }
    });
  }

  /**
   * Whole seconds until a slot should free up, at least 1: the queue's Retry-After. That is when the first
   * running task should finish; with none running yet, no sooner than the shortest accepted task's work.
   */
  function secondsUntilASlotFrees(): number {
    const now = Date.now();
    const untilFirstEnd = expectedEnds.size > 0
      ? Math.min(...[...expectedEnds.values()].map((end) => end - now))
      : Math.min(...waiting.map((task) => task.parameters.workMs), ...admitting.values());
    return Number.isFinite(untilFirstEnd) ? Math.max(1, Math.ceil(untilFirstEnd / 1000)) : 1;
  }

  function pump() {
    while (running.size < options.concurrency && waiting.length > 0) {
      const task = waiting.shift()!;
      expectedEnds.set(task.id, Date.now() + task.parameters.workMs);
      const execution = run(task).finally(() => {
        running.delete(execution);
        expectedEnds.delete(task.id);
        pump();
      });
      running.add(execution);
    }
  }

  return {
    async submit(parameters: HeavyTaskParameters): Promise<BackgroundTask> {
      if (!accepting) throw retryLater(503, 'shutting_down', 'this replica is shutting down');
      // The slot is taken before the insert is awaited: checking and joining the queue in one synchronous
      // step is what keeps concurrent submissions from all passing the check.
      if (waiting.length + running.size + admitting.size >= options.limit) {
        throw retryLater(429, 'queue_full', `background queue is full (${options.limit} tasks); retry later`, secondsUntilASlotFrees());
      }
      const id = randomUUID();
      admitting.set(id, parameters.workMs);
      let created: BackgroundTask | undefined;
      try {
        [created] = await db.insert(backgroundTasks).values({ id, kind, status: 'queued', parameters }).returning();
      } finally {
        admitting.delete(id);
      }
      if (!accepting) {
        // Shutdown began while the row was written: drain() has already failed the waiting tasks.
        await setState(id, { status: 'failed', error: shutDownBeforeStart, finishedAt: new Date().toISOString() });
        throw retryLater(503, 'shutting_down', 'this replica is shutting down');
      }
      waiting.push({ id, parameters, origin: trace.getSpanContext(context.active()) });
      appMetrics().taskQueueDepth.add(1, depthAttributes);
      pump();
      return created!;
    },

    async get(id: string): Promise<BackgroundTask | undefined> {
      const [found] = await db.select().from(backgroundTasks).where(eq(backgroundTasks.id, id));
      return found;
    },

    /** Stops taking work; lets running tasks finish within the deadline, then aborts them; fails the waiting ones. */
    async drain(deadlineMs: number): Promise<void> {
      accepting = false;
      // Armed first: recording the abandoned tasks waits on the database, which may be the thing that is down.
      const timer = setTimeout(() => abort.abort(new Error('replica shut down while the task ran')), deadlineMs);
      const abandoned = waiting.splice(0);
      await Promise.allSettled([
        ...abandoned.map(async (task) => {
          appMetrics().taskQueueDepth.add(-1, depthAttributes);
          await setState(task.id, { status: 'failed', error: shutDownBeforeStart, finishedAt: new Date().toISOString() });
        }),
        ...running,
      ]);
      clearTimeout(timer);
    },
  };
}

export type HeavyTaskQueue = ReturnType<typeof createHeavyTaskQueue>;
