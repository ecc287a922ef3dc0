import type postgres from 'postgres';
import type { DatabaseAvailability } from './availability';

type PendingQuery = postgres.PendingQuery<postgres.Row[]> & {
  handle(): Promise<void>;
  executed: boolean;
  reject(error: unknown): void;
};

/**
 * Asks the breaker before each statement is sent and reports each failure to it. postgres.js sends a
 * statement from `handle()`, on its first then/catch/finally/execute: a refused one is settled there, before
 * it reaches the pool's queue.
 */
function gateQuery(query: PendingQuery, availability: DatabaseAvailability): PendingQuery {
  const send = query.handle;
  query.handle = function gatedHandle(this: PendingQuery) {
    if (!this.executed) {
      try {
        availability.admit();
      } catch (refusal) {
        this.executed = true;
        this.reject(refusal);
        return Promise.resolve();
      }
      // Promise.prototype.then, not query.then: observing must not call handle() again.
      Promise.prototype.then.call(this, undefined, (error: unknown) => availability.observe(error));
    }
    return send.call(this);
  };
  return query;
}

/** The pool behind a circuit breaker: statements and transactions are refused at once while it is open. */
export function gatePostgres<T extends postgres.Sql<Record<string, unknown>>>(sql: T, availability: DatabaseAvailability): T {
  return new Proxy(sql, {
    apply(target, thisArg, args: unknown[]) {
      const result = Reflect.apply(target as (...a: unknown[]) => unknown, thisArg, args);
      const isStatement = Array.isArray(args[0]) && 'raw' in args[0] && result instanceof Promise;
      return isStatement ? gateQuery(result as PendingQuery, availability) : result;
    },
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (property === 'unsafe') {
        return (...args: unknown[]) => gateQuery((value as (...a: unknown[]) => PendingQuery).apply(target, args), availability);
      }
      if (property === 'begin') {
        return (...args: unknown[]) => {
          try {
            availability.admit();
          } catch (refusal) {
            return Promise.reject(refusal);
          }
          const transaction = (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
          transaction.then(undefined, (error: unknown) => availability.observe(error));
          return transaction;
        };
      }
      return value;
    },
  });
}
