import type postgres from 'postgres';
import type { DatabaseAvailability } from './availability';

type PendingQuery = postgres.PendingQuery<postgres.Row[]> & {
  handle(): Promise<void>;
  executed: boolean;
  reject(error: unknown): void;
};

/**
 * Asks the breaker before each statement is sent (when `admit`), reports each failure to it, and lets it
 * abandon the statement if it opens before an answer came. postgres.js sends a statement from `handle()`, on
 * its first then/catch/finally/execute: a refused one is settled there, before it reaches the pool's queue.
 */
function gateQuery(query: PendingQuery, availability: DatabaseAvailability, admit: boolean): PendingQuery {
  const send = query.handle;
  query.handle = function gatedHandle(this: PendingQuery) {
    if (!this.executed) {
      if (admit) {
        try {
          availability.admit();
        } catch (refusal) {
          this.executed = true;
          this.reject(refusal);
          return Promise.resolve();
        }
      }
      // A late answer to an abandoned statement settles nothing: the promise is already rejected.
      const answered = availability.waitFor('statement', (error) => this.reject(error));
      // Promise.prototype.then, not query.then: observing must not call handle() again.
      Promise.prototype.then.call(this, answered, (error: unknown) => {
        answered();
        availability.observe(error);
      });
    }
    return send.call(this);
  };
  return query;
}

/** Statements made through `sql` (the pool, or a transaction's connection) go through gateQuery. */
function gateStatements<T extends object>(sql: T, availability: DatabaseAvailability, admit: boolean): T {
  return new Proxy(sql, {
    apply(target, thisArg, args: unknown[]) {
      const result = Reflect.apply(target as (...a: unknown[]) => unknown, thisArg, args);
      const isStatement = Array.isArray(args[0]) && 'raw' in args[0] && result instanceof Promise;
      return isStatement ? gateQuery(result as PendingQuery, availability, admit) : result;
    },
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (property === 'unsafe') {
        return (...args: unknown[]) => gateQuery((value as (...a: unknown[]) => PendingQuery).apply(target, args), availability, admit);
      }
      if (property === 'begin' && admit) return gatedBegin(target, value as (...a: unknown[]) => Promise<unknown>, availability);
      return value;
    },
  });
}

/**
 * A transaction is refused while the breaker is open; its statements are watched like the pool's (not
 * refused: one begun finishes or fails as a whole); and it is abandoned if the breaker opens before it ends,
 * since its rollback would wait on the same silent connection.
 */
function gatedBegin(target: object, begin: (...a: unknown[]) => Promise<unknown>, availability: DatabaseAvailability) {
  return (...args: unknown[]) => {
    try {
      availability.admit();
    } catch (refusal) {
      return Promise.reject(refusal);
    }
    const work = args.findIndex((arg) => typeof arg === 'function');
    if (work >= 0) {
      const run = args[work] as (transaction: object) => unknown;
      args[work] = (transaction: object) => run(gateStatements(transaction, availability, false));
    }
    const transaction = begin.apply(target, args);
    let answered: () => void = () => undefined;
    const abandoned = new Promise<never>((_, reject) => {
      answered = availability.waitFor('transaction', reject);
    });
    abandoned.catch(() => undefined);
    transaction.then(answered, (error: unknown) => {
      answered();
      availability.observe(error);
    });
    return Promise.race([transaction, abandoned]);
  };
}

/** The pool behind a circuit breaker: statements and transactions are refused at once while it is open. */
export function gatePostgres<T extends postgres.Sql<Record<string, unknown>>>(sql: T, availability: DatabaseAvailability): T {
  return gateStatements(sql, availability, true);
}
