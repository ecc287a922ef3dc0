import type { ServerType } from '@hono/node-server';
import type { Server } from 'node:http';
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
 * On SIGTERM or SIGINT: fail readiness, stop accepting connections, let in-flight requests and running
 * tasks finish within the grace period, flush telemetry, close the pools, exit 0. A second signal or the
 * grace deadline forces exit 1.
 */
export function installGracefulShutdown(steps: ShutdownSteps): void {
  let started = false;
  const shutdown = async (signal: NodeJS.Signals) => {
    if (started) {
      steps.logger.warn({ signal }, 'second signal; exiting now');
      process.exit(1);
    }
    started = true;
    steps.onStart();
    steps.logger.info({ signal, graceMs: steps.graceMs }, 'shutting down');
    const flushBudgetMs = Math.min(2_000, Math.floor(steps.graceMs / 4));
    const deadline = setTimeout(() => {
      steps.logger.error('graceful shutdown exceeded its deadline; exiting');
      // Keep what explains the forced exit: a short flush of the buffered spans and logs first.
      void shutdownTelemetry(flushBudgetMs / 2).finally(() => process.exit(1));
    }, steps.graceMs - flushBudgetMs / 2);
    deadline.unref();

    if (steps.drainDelayMs > 0) {
      steps.logger.info({ drainDelayMs: steps.drainDelayMs }, 'readiness failing; waiting for the load balancer to drain this replica');
      await new Promise((resolve) => setTimeout(resolve, steps.drainDelayMs));
    }
    const server = steps.server as Server;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    // Keep-alive sockets would hold close() open until they time out: close each one as soon as its
    // in-flight request is answered.
    const reaper = setInterval(() => server.closeIdleConnections(), 50);
    void closed.then(() => clearInterval(reaper));
    await Promise.all([closed, steps.drainTasks(Math.max(0, steps.graceMs - steps.drainDelayMs - 2 * flushBudgetMs))]);
    steps.logger.info('requests and tasks drained');
    await Promise.allSettled([steps.closeDatabase(), steps.closeRedis()]);
    await shutdownTelemetry(flushBudgetMs);
    process.exit(0);
  };
  process.on('SIGTERM', (signal) => void shutdown(signal));
  process.on('SIGINT', (signal) => void shutdown(signal));
}
