import path from 'node:path';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadMigrationConfig, loadOrExit } from './config';
import { sharedConnectionOptions } from './db/client';
import { isDatabaseUnavailable } from './db/errors';

/** Any fixed number works; every replica and migration job must use the same one. */
const migrationLockKey = 7_345_120_001;
const migrationsFolder = path.resolve(__dirname, '..', 'drizzle');

/**
 * Applies pending migrations. Safe to run from several replicas at once: a session advisory lock makes
 * them take turns, and drizzle skips what its journal table says is applied.
 */
export async function runMigrations(databaseUrl: string): Promise<void> {
  const sql = postgres(databaseUrl, { ...sharedConnectionOptions, max: 1, connect_timeout: 10 });
  try {
    await sql`select pg_advisory_lock(${migrationLockKey})`;
    try {
      await migrate(drizzle({ client: sql }), { migrationsFolder });
    } finally {
      await sql`select pg_advisory_unlock(${migrationLockKey})`;
    }
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/** Retries while Postgres is still starting (a migration job often starts alongside its database). */
export async function runMigrationsWhenReachable(databaseUrl: string, deadlineMs = 60_000): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await runMigrations(databaseUrl);
    } catch (error) {
      if (!isDatabaseUnavailable(error) || Date.now() > deadline) throw error;
      process.stderr.write(`database not reachable yet (attempt ${attempt}); retrying\n`);
      await sleep(Math.min(500 * attempt, 3_000));
    }
  }
}

if (require.main === module) {
  const databaseUrl = loadOrExit(loadMigrationConfig).DATABASE_URL;
  runMigrationsWhenReachable(databaseUrl).then(
    () => process.stdout.write('{"level":"info","msg":"migrations applied"}\n'),
    (error: unknown) => {
      process.stderr.write(`migration failed: ${error instanceof Error ? error.stack : String(error)}\n`);
      process.exit(1);
    },
  );
}
