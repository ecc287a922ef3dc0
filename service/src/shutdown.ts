import type { ServerType } from '@hono/node-server';
import type { Server, ServerResponse } from 'node:http';
import type { Logger } from './logger';
import { shutdownTelemetry } from './telemetry/sdk';

export interface ShutdownSteps {
  readonly server: ServerType;
  readonly logger: Logger;
  /** Longest the whole shutdown may take before the process exits regardless. */
  readonly graceMs: number;
  /** Time between failing readiness and closing the listener, for the load balancer to notice. */
  readonly drainDelayMs: number;
  readonly onStart: () => void;
  readonly drainTasks: (deadlineMs: number) => Promise<void>;
  readonly closeDatabase: () => Promise<void>;
  readonly closeRedis: () => Promise<void>;
}

/**
 * How the grace period is shared: the pools and the telemetry flush each get a bounded slice of their own,
 * and a little is kept back so the exit comes before the backstop at the end of the grace.
 */
function shutdownBudget(graceMs: number) {
  const flushMs = Math.min(2_000, Math.floor(graceMs / 4));
  const closePoolsMs = Math.min(1_000, Math.floor(graceMs / 8));
  const slackMs = Math.min(250, Math.floor(graceMs / 20));
  return { flushMs, closePoolsMs, drainMs: graceMs - flushMs - closePoolsMs - slackMs };
}

/**
 * Keep-alive clients would go on sending requests on their open sockets after the listener closes, and a
 * socket closed while idle can meet a request already on its way (a reset). Once shutdown starts, every
 * response not yet begun says `Connection: close`, so each socket ends cleanly after its current response.
 */
function closeConnectionsAfterResponse(server: Server) {
  const unanswered = new Set<ServerResponse>();
  let closing = false;
  server.prependListener('request', (_request, response: ServerResponse) => {
    if (closing) {
      response.shouldKeepAlive = false;
      return;
    }
    unanswered.add(response);
    response.once('close', () => unanswered.delete(response));
  });
  return () => {
    closing = true;
    for (const response of unanswered) if (!response.headersSent) response.shouldKeepAlive = false;
    unanswered.clear();
  };
}

/** Time for requests already on their way over keep-alive sockets to arrive before idle sockets are closed. */
const keepAliveSettleMs = 250;

/** True when the work settled (fulfilled or rejected) within `ms`; it never rejects. */
const settledWithin = (work: Promise<unknown>, ms: number): Promise<boolean> =>
  new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), Math.max(0, ms));
    const settled = () => {
      clearTimeout(timer);
      resolve(true);
    };
    work.then(settled, settled);
  });

/**
 * On SIGTERM or SIGINT: fail readiness, answer every further response with `Connection: close`, stop
 * accepting connections, let in-flight requests and running tasks finish, close the pools, flush telemetry,
 * exit 0. Each step has its own slice of the grace period (`shutdownBudget`), so an unreachable collector or
 * database cannot push the exit past it. Requests still running when their slice ends are cut off and the
 * exit code is 1; a second signal exits 1 at once.
 */
export function installGracefulShutdown(steps: ShutdownSteps): void {
  const server = steps.server as Server;
  const answerWithConnectionClose = closeConnectionsAfterResponse(server);
  let started = false;
  const shutdown = async (signal: NodeJS.Signals) => {
    if (started) {
      steps.logger.warn({ signal }, 'second signal; exiting now');
      process.exit(1);
    }
    started = true;
    let exitCode = 1;
    try {
      exitCode = await drainAndClose(signal);
    } catch (error) {
      steps.logger.error({ err: error }, 'shutdown step failed');
    } finally {
      process.exit(exitCode);
    }
  };

  /** The shutdown itself; resolves with the exit code. */
  const drainAndClose = async (signal: NodeJS.Signals): Promise<number> => {
    const startedAt = performance.now();
    const budget = shutdownBudget(steps.graceMs);
    steps.onStart();
    answerWithConnectionClose();
    steps.logger.info({ signal, graceMs: steps.graceMs, ...budget }, 'shutting down');
    // A backstop only: every step below is bounded, so this fires only if one of them misbehaves.
    setTimeout(() => {
      steps.logger.error('graceful shutdown exceeded its grace period; exiting');
      process.exit(1);
    }, steps.graceMs).unref();

    if (steps.drainDelayMs > 0) {
      steps.logger.info({ drainDelayMs: steps.drainDelayMs }, 'readiness failing; waiting for the load balancer to drain this replica');
    }
    // server.close() closes every idle keep-alive socket at once, and a busy client is often just sending its
    // next request on one: that request would be reset. Waiting a moment first lets it arrive and be answered
    // with Connection: close, so the socket ends cleanly.
    await new Promise((resolve) => setTimeout(resolve, Math.max(steps.drainDelayMs, keepAliveSettleMs)));
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    // Then whatever is idle (a client gone quiet, a response begun before SIGTERM) is closed as soon as it is.
    const reaper = setInterval(() => server.closeIdleConnections(), 50);
    const drainLeftMs = budget.drainMs - (performance.now() - startedAt);
    const drained = await settledWithin(Promise.all([closed, steps.drainTasks(Math.max(0, drainLeftMs - 100))]), drainLeftMs);
    clearInterval(reaper);
    if (drained) {
      steps.logger.info('requests and tasks drained');
    } else {
      steps.logger.error({ drainMs: budget.drainMs }, 'requests or tasks still running at the end of their share of the grace; closing their connections');
      server.closeAllConnections();
    }
    await settledWithin(Promise.allSettled([steps.closeDatabase(), steps.closeRedis()]), budget.closePoolsMs);
    await shutdownTelemetry(budget.flushMs);
    return drained ? 0 : 1;
  };
  process.on('SIGTERM', (signal) => void shutdown(signal));
  process.on('SIGINT', (signal) => void shutdown(signal));
}
