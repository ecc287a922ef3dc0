/**
 * Run as its own process by resilience.test.ts ("the postgres driver"): the ways a statement can die under the
 * service's own database client, each followed at once by another statement on the same (single) pooled
 * connection. On postgres.js 3.4.9 and 3.4.10 without the patch this project used to carry, the first killed
 * the process from a timer, the next statement could be rejected although it was never sent, and a dead
 * statement's row count shifted the next result (a `null` first row); 4.x does none of that. Prints one JSON
 * line with what it saw.
 */
import { sql } from 'drizzle-orm';
import { createDatabase } from '../../src/db/client';
import { databaseErrorCode, isDatabaseUnavailable } from '../../src/db/errors';

const settle = (work: Promise<unknown>) =>
  work.then(
    (rows) => ({ rows: JSON.parse(JSON.stringify(rows)) as unknown }),
    (error: unknown) => ({ error: databaseErrorCode(error) ?? String(error), unavailable: isDatabaseUnavailable(error) }),
  );

async function main() {
  const url = process.argv[2];
  if (!url) throw new Error('usage: terminated-transaction.ts <postgres url>');
  const { db, close } = createDatabase({ url, poolMax: 1, connectTimeoutSeconds: 3 });

  // A transaction whose backend dies; the next statement waits for the one connection meanwhile.
  const transaction = settle(db.transaction(async (tx) => {
    await tx.execute(sql`select pg_terminate_backend(pg_backend_pid())`);
  }));
  const queuedBehindIt = settle(db.execute(sql`select 1 as one`));

  // A statement whose backend dies after sending rows, then the next statement.
  const diedMidRows = await settle(db.execute(sql`select g, case when g = 2 then pg_terminate_backend(pg_backend_pid()) end as t from generate_series(1, 3) g`));
  const afterDeath = await settle(db.execute(sql`select 2 as two`));

  // A statement that fails part-way through its rows, then the next statement.
  const failedMidRows = await settle(db.execute(sql`select case when g < 3 then g else 1 / (g - g) end as v from generate_series(1, 5) g`));
  const afterFailure = await settle(db.execute(sql`select 3 as three`));

  process.stdout.write(`${JSON.stringify({ transaction: await transaction, queuedBehindIt: await queuedBehindIt, diedMidRows, afterDeath, failedMidRows, afterFailure })}\n`);
  await close();
}

void main();
