import { context } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import { drizzle, type PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { createAvailability, type AvailabilityState } from './availability';
import { gatePostgres } from './gated-client';
import { instrumentPostgresQueries } from './postgres-instrumentation';
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
  readonly onAvailabilityChange?: (state: AvailabilityState, cause?: unknown) => void;
}

/** How often a down database is probed: recovery is noticed within this plus one round trip. */
const probeIntervalMs = 200;
const probeTimeoutMs = 1_000;

/**
 * Seconds a canceled statement's connection may stay silent before the driver closes it and rejects what ran on
 * it. The breaker cancels what still waits when it opens (db/gated-client.ts); on a black-holed connection the
 * cancel request is never answered either, so this bounds how long those statements wait after the breaker
 * opened. The driver's default is 5 s.
 */
const cancelTimeoutSeconds = 0.5;

/**
 * Seconds before a pooled connection that closed with an error reconnects. The driver's default grows to
 * 20 s, and queries handed to that connection wait it out; the breaker already keeps traffic off a down
 * server, so reconnects stay quick.
 */
const reconnectDelaySeconds = (retries: number) => Math.min(0.05 * 2 ** retries, 0.5);

/**
 * Options every client of the service shares. NOTICEs (e.g. "already exists, skipping" from idempotent DDL)
 * are not errors: not printed to stdout, which carries only the JSON log lines. Times are read as ISO text
 * (db/rfc3339.ts), whatever DateStyle the database or role was given (`ALTER DATABASE ... SET datestyle`).
 */
export const sharedConnectionOptions = { onnotice: () => undefined, connection: { DateStyle: 'ISO' } } as const;

export function createDatabase(options: DatabaseOptions): DatabaseClient {
  const pool = postgres(options.url, {
    max: options.poolMax,
    connect_timeout: options.connectTimeoutSeconds,
    idle_timeout: 30,
    backoff: reconnectDelaySeconds,
    cancel_timeout: cancelTimeoutSeconds,
    ...sharedConnectionOptions,
  });
  // The probe has a connection of its own: it must not queue behind the requests the pool is failing. One
  // that timed out is dropped, not reused: a statement stuck on a black-holed socket would hold every later
  // probe behind it.
  const openProbeConnection = () =>
    postgres(options.url, {
      max: 1,
      connect_timeout: Math.min(options.connectTimeoutSeconds, probeTimeoutMs / 1000),
      idle_timeout: 5,
      backoff: () => 0,
      ...sharedConnectionOptions,
    });
  let probeConnection = openProbeConnection();
  const stopInstrumenting = instrumentPostgresQueries();
  const availability = createAvailability({
    // Tracing suppressed: the probe is the breaker's, not the service's work (no span, no duration sample).
    probe: () => context.with(suppressTracing(context.active()), () => probeConnection`select 1`.execute()),
    abandonProbe: () => {
      void probeConnection.end({ timeout: 0 });
      probeConnection = openProbeConnection();
    },
    probeIntervalMs,
    probeTimeoutMs,
    onChange: options.onAvailabilityChange,
  });
  const sql = gatePostgres(pool, availability);
  const db = drizzle({ client: sql, schema });
  return {
    db,
    async close() {
      availability.close();
      await Promise.all([sql.end({ timeout: 2 }), probeConnection.end({ timeout: 0 })]);
      stopInstrumenting();
    },
  };
}
