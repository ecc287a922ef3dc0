/**
 * The Redis server's config file. redis.conf is neither YAML nor JSON: one directive per line, its
 * arguments separated by spaces, an argument with spaces or quotes written as a double-quoted string with
 * backslash escapes (redis.conf's own syntax, `sdssplitargs`). The typed document below is rendered by
 * `renderRedisConfig`, which quotes every argument, so no value can break a line.
 */
export interface RedisServerConfig {
  readonly port: number;
  /** The only credential: clients AUTH with it (the default user). */
  readonly requirepass: string;
  readonly appendonly: 'yes' | 'no';
  /** Where the append-only file and snapshots go: the data volume. */
  readonly dir: string;
}

/** Where the config is uploaded; the image's entrypoint treats a first argument ending in .conf as it. */
export const redisConfigPath = '/usr/local/etc/redis/redis.conf';

export function redisServerConfig(args: { port: number; password: string; dataDir: string }): RedisServerConfig {
  return { port: args.port, requirepass: args.password, appendonly: 'yes', dir: args.dataDir };
}

export function renderRedisConfig(config: RedisServerConfig): string {
  const quote = (value: string) => `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
  return `${Object.entries(config)
    .map(([directive, value]) => `${directive} ${quote(String(value))}`)
    .join('\n')}\n`;
}
