import { drizzle, type PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { instrumentPostgres } from './postgres-instrumentation';
import * as schema from './schema';

export type Database = PostgresJsDatabase<typeof schema>;

export interface DatabaseClient {
  readonly db: Database;
  readonly sql: postgres.Sql;
  close(timeoutSeconds?: number): Promise<void>;
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
      // The server stays the source of truth for bigints we expose as numbers (ids stay far below 2^53).
      onnotice: () => undefined,
    }),
  );
  const db = drizzle({ client: sql, schema });
  return {
    db,
    sql,
    close: (timeoutSeconds = 2) => sql.end({ timeout: timeoutSeconds }),
  };
}
