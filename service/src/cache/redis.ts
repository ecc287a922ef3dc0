import Redis from 'ioredis';
import type { Logger } from '../logger';

export interface RedisOptions {
  readonly url: string;
  readonly commandTimeoutMs: number;
}

/**
 * A Redis client tuned for a cache that must never hold a request hostage: with no offline queue and a
 * command timeout, a Redis outage turns every cache call into a fast failure and the caller falls back to
 * Postgres; reconnection keeps trying in the background so the cache comes back on its own.
 */
export function createRedis(options: RedisOptions, logger: Logger): Redis {
  const redis = new Redis(options.url, {
    enableOfflineQueue: false,
    commandTimeout: options.commandTimeoutMs,
    maxRetriesPerRequest: 0,
    connectTimeout: 2_000,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
  });
  let reportedDown = false;
  redis.on('error', (error: Error) => {
    // ioredis emits an error per failed reconnect attempt; one warning per outage is enough.
    if (!reportedDown) logger.warn({ err: error }, 'redis unavailable; serving without cache');
    reportedDown = true;
  });
  redis.on('ready', () => {
    if (reportedDown) logger.info('redis available again');
    reportedDown = false;
  });
  return redis;
}
