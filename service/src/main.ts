import { serve } from '@hono/node-server';
import { createApp } from './app';
import { createItemCache } from './cache/item-cache';
import { createRedis } from './cache/redis';
import { loadConfig, loadOrExit } from './config';
import { createDatabase } from './db/client';
import { createItemService } from './domain/items';
import { createOrderService } from './domain/orders';
import { startBackgroundFaults } from './faults/background-faults';
import { domainFaults } from './faults/domain-faults';
import { startFeatureFlags } from './faults/flag-provider';
import { createLogger } from './logger';
import { exitUnlessPatched } from './patches/check-patches';
import { installGracefulShutdown } from './shutdown';
import { createHeavyTaskQueue } from './tasks/heavy-task-queue';
import { dropsUnsampledRemoteParents } from './telemetry/sampling';

function start() {
  exitUnlessPatched();
  const config = loadOrExit(loadConfig);
  const logger = createLogger(config.LOG_LEVEL, config.OTEL_SERVICE_NAME);
  const database = createDatabase({
    url: config.DATABASE_URL,
    poolMax: config.DB_POOL_MAX,
    connectTimeoutSeconds: config.DB_CONNECT_TIMEOUT_SECONDS,
    onAvailabilityChange: (state, cause) => {
      if (state === 'up') logger.info({ state }, 'database reachable again');
      else if (state === 'down') logger.warn({ state, err: cause }, 'database down: refusing statements until a probe succeeds');
      else logger.warn({ state, err: cause }, 'database unreachable from a connection: probing');
    },
  });
  const redis = createRedis({ url: config.REDIS_URL, commandTimeoutMs: config.REDIS_COMMAND_TIMEOUT_MS }, logger);
  const cache = createItemCache(redis, config.CACHE_TTL_SECONDS, logger);
  const tasks = createHeavyTaskQueue(database.db, logger, {
    concurrency: config.HEAVY_TASK_CONCURRENCY,
    limit: config.HEAVY_TASK_QUEUE_LIMIT,
  });
  const flags = startFeatureFlags(
    {
      host: config.FLAGD_HOST,
      port: config.FLAGD_SYNC_PORT ?? config.FLAGD_PORT,
      offlineFlagSourcePath: config.FLAGD_OFFLINE_FLAG_SOURCE_PATH,
    },
    logger,
  );
  const faults = domainFaults(database.db, flags.faults);
  const backgroundFaults = startBackgroundFaults(flags.faults, logger);
  let shuttingDown = false;
  const app = createApp({
    db: database.db,
    redis,
    logger,
    items: createItemService(database.db, cache, faults),
    orders: createOrderService(database.db, cache, faults),
    tasks,
    isShuttingDown: () => shuttingDown,
    dbPoolMax: config.DB_POOL_MAX,
    dropsUnsampledRemoteParents: dropsUnsampledRemoteParents(config.OTEL_TRACES_SAMPLER),
    faultFlags: flags.faults,
  });
  const server = serve({ fetch: app.fetch, port: config.PORT }, (info) => {
    logger.info({ port: info.port }, 'listening');
  });
  installGracefulShutdown({
    server,
    logger,
    graceMs: config.SHUTDOWN_GRACE_MS,
    drainDelayMs: Math.min(config.SHUTDOWN_DRAIN_DELAY_MS, config.SHUTDOWN_GRACE_MS / 2),
    onStart: () => {
      shuttingDown = true;
      // A burning hog would slow the drain; flags are not read again after this.
      backgroundFaults.stop();
      void flags.close().catch(() => undefined);
    },
    drainTasks: (deadlineMs) => tasks.drain(deadlineMs),
    closeDatabase: () => database.close(),
    closeRedis: async () => {
      await redis.quit().catch(() => redis.disconnect());
    },
  });
}

start();
