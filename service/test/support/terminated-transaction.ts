/**
 * Run as its own process by postgres-driver.test.ts: a transaction whose backend is terminated mid-way, on the
 * service's own database client. postgres.js then rolls back on the dead connection; before the patch in
 * patches/ that write threw from a timer and killed the process. Prints one JSON line with what it saw.
 */
import { sql } from 'drizzle-orm';
import { createDatabase } from '../../src/db/client';
import { databaseErrorCode, isDatabaseUnavailable } from '../../src/db/errors';

async function main() {
  const url = process.argv[2];
  if (!url) throw new Error('usage: terminated-transaction.ts <postgres url>');
  const database = createDatabase({ url, poolMax: 2, connectTimeoutSeconds: 3 });
  let rejection: unknown;
  try {
    await database.db.transaction(async (tx) => {
      await tx.execute(sql`select pg_terminate_backend(pg_backend_pid())`);
    });
  } catch (error) {
    rejection = error;
  }
  const started = performance.now();
  const [row] = await database.db.execute<{ one: number }>(sql`select 1 as one`);
  const recoveredMs = performance.now() - started;
  await database.close();
  process.stdout.write(
    `${JSON.stringify({ rejected: rejection !== undefined, code: databaseErrorCode(rejection), unavailable: isDatabaseUnavailable(rejection), after: row?.one, recoveredMs })}\n`,
  );
}

void main();
