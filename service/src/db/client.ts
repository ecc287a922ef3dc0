import { drizzle, type PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { instrumentPostgres } from './postgres-instrumentation';
import * as schema from './schema';

export type Database = PostgresJsDatabase<typeof schema>;

export interface DatabaseClient {
  readonly db: Database;
  /** Ends the pool, giving running queries two seconds. */
  close(): Promise<void>;
}

export interface DatabaseOptions {
  readonly url: string;
  readonly poolMax: number;
  readonly connectTimeoutSeconds: number;
}

export function createDatabase(options: DatabaseOptions): DatabaseClient {
  const sql = instrumentPostgres(
    postgres(options.url, {
      max: options.poolMax,
      connect_timeout: options.connectTimeoutSeconds,
      idle_timeout: 30,
      // NOTICEs (e.g. "already exists, skipping" from idempotent DDL) are not errors: not printed to stdout,
      // which carries only the JSON log lines.
      onnotice: () => undefined,
    }),
  );
  const db = drizzle({ client: sql, schema });
  return {
    db,
    close: () => sql.end({ timeout: 2 }),
  };
}
