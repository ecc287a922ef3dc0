import type { ClosingConnections } from './http/closing-connections';
import type { Logger } from './logger';
import { stopProfiling } from './telemetry/profiling/lifecycle';
import { shutdownTelemetry } from './telemetry/sdk';

export interface ShutdownSteps {
  /** The HTTP server's connections (`closingConnections()`, whose createServer the server was made with). */
  readonly connections: ClosingConnections;
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
 * On SIGTERM or SIGINT: fail readiness, answer every further response with `Connection: close` and close its
 * connection after it (half-close, then read until the client closes: closing-connections.ts), stop accepting
 * connections, let in-flight requests and running tasks
 * finish, close the pools, flush telemetry, exit 0. Each step has its own slice of the grace period
 * (`shutdownBudget`), so an unreachable collector or database cannot push the exit past it. Requests still
 * running when their slice ends are cut off and the exit code is 1; a second signal exits 1 at once.
 *
 * Without a drain delay the listener closes before any client is told to reconnect: a client sent away by
 * `Connection: close` opens a new connection at once, and a connection the kernel has accepted but Node has
 * not yet taken is reset when the listener closes. After it closes, a new connection is refused, which a
 * client can retry elsewhere. Idle keep-alive connections are not closed: a request may be on its way on one.
 */
export function installGracefulShutdown(steps: ShutdownSteps): void {
  const connections = steps.connections;
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
    if (steps.drainDelayMs === 0) void connections.stopListening();
    steps.onStart();
    connections.closeAfterEachResponse();
    steps.logger.info({ signal, graceMs: steps.graceMs, ...budget }, 'shutting down');
    // A backstop only: every step below is bounded, so this fires only if one of them misbehaves.
    setTimeout(() => {
      steps.logger.error('graceful shutdown exceeded its grace period; exiting');
      process.exit(1);
    }, steps.graceMs).unref();

    if (steps.drainDelayMs > 0) {
      steps.logger.info({ drainDelayMs: steps.drainDelayMs }, 'readiness failing; waiting for the load balancer to drain this replica');
      await new Promise((resolve) => setTimeout(resolve, steps.drainDelayMs));
    }
    const closed = connections.stopListening();
    const drainLeftMs = budget.drainMs - (performance.now() - startedAt);
    const [connectionsClosed, tasksDrained] = await Promise.all([
      settledWithin(closed, drainLeftMs),
      settledWithin(steps.drainTasks(Math.max(0, drainLeftMs - 100)), drainLeftMs),
    ]);
    const requestsCut = connectionsClosed ? 0 : connections.requestsInFlight();
    if (!connectionsClosed) connections.closeRemaining();
    const drained = requestsCut === 0 && tasksDrained;
    if (drained) {
      steps.logger.info('requests and tasks drained');
    } else {
      steps.logger.error({ drainMs: budget.drainMs, requestsCut, tasksDrained }, 'requests or tasks still running at the end of their share of the grace; closing their connections');
    }
    await settledWithin(Promise.allSettled([steps.closeDatabase(), steps.closeRedis()]), budget.closePoolsMs);
    stopProfiling();
    await shutdownTelemetry(budget.flushMs);
    return drained ? 0 : 1;
  };
  process.on('SIGTERM', (signal) => void shutdown(signal));
  process.on('SIGINT', (signal) => void shutdown(signal));
}
