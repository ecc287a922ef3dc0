import { sql } from 'drizzle-orm';
import type { Database } from '../db/client';
import type { FaultFlags } from './fault-flags';

/** The faults the domain services apply inside a request. */
export interface DomainFaults {
  /** `cache-bypass`: item reads skip Redis, neither reading nor filling it. */
  cacheBypass(): boolean;
  /** `db-slow-query-ms`: called once per request, before its first statement. */
  beforeDatabaseWork(): Promise<unknown> | undefined;
}

export const noDomainFaults: DomainFaults = {
  cacheBypass: () => false,
  beforeDatabaseWork: () => undefined,
};

/**
 * The slow query is a real `pg_sleep` on Postgres, through the same pool and instrumentation as the
 * request's own statements: it holds a pooled connection and shows as a CLIENT span in the trace.
 */
export function domainFaults(db: Database, flags: FaultFlags): DomainFaults {
  if (!flags.enabled) return noDomainFaults;
  return {
    cacheBypass: () => flags.cacheBypass(),
    beforeDatabaseWork() {
      const ms = flags.slowQueryMs();
      return ms > 0 ? db.execute(sql`select pg_sleep(${ms / 1000})`) : undefined;
    },
  };
}
