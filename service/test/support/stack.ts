import { startPostgres, startRedis, type TestServer } from './servers';
import { runMigrationsProcess, startService, type RunningService } from './service-process';

/** Real Postgres and Redis, migrated, and the built service running against them. */
export interface ServiceStack {
  readonly postgres: TestServer;
  readonly redis: TestServer;
  readonly service: RunningService;
  dispose(): Promise<void>;
}

export async function startServiceStack(options: { otlpEndpoint?: string; extra?: Record<string, string> } = {}): Promise<ServiceStack> {
  const [postgres, redis] = await Promise.all([startPostgres(), startRedis()]);
  const disposeServers = () => Promise.all([postgres.dispose(), redis.dispose()]).then(() => undefined);
  try {
    const migration = await runMigrationsProcess(postgres.url);
    if (migration.code !== 0) throw new Error(`migrations failed (${migration.code}): ${migration.output}`);
    const service = await startService({ databaseUrl: postgres.url, redisUrl: redis.url, otlpEndpoint: options.otlpEndpoint, extra: options.extra });
    return {
      postgres,
      redis,
      service,
      async dispose() {
        await service.stop();
        await disposeServers();
      },
    };
  } catch (error) {
    await disposeServers();
    throw error;
  }
}
