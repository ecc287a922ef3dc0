import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { OrderRow } from './ledger.ts';

const run = promisify(execFile);

/**
 * Reads the truth from Postgres with psql (the client Debian's postgresql installs with the server), so the
 * ledger check does not go through the service it is checking, nor through its driver.
 */
async function psql(databaseUrl: string, sql: string): Promise<string> {
  const { stdout } = await run('psql', ['-X', '-A', '-t', '-q', '-v', 'ON_ERROR_STOP=1', '-d', databaseUrl, '-c', sql], { maxBuffer: 256 * 1024 * 1024 });
  return stdout.trim();
}

async function queryJson<T>(databaseUrl: string, sql: string): Promise<T> {
  return JSON.parse(await psql(databaseUrl, sql)) as T;
}

/**
 * The throwaway server runs with synchronous_commit=off for the tests' speed: a commit is acknowledged
 * before its WAL is written, so `pg_ctl stop -m immediate` loses acknowledged orders whatever the service
 * does (the first campaign run lost 25). The lab's Postgres keeps the default (on); so does the campaign's
 * database, for every session opened after this.
 */
export async function requireDurableCommits(databaseUrl: string): Promise<void> {
  await psql(databaseUrl, `DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET synchronous_commit = on', current_database()); END $$`);
}

const idList = (ids: readonly number[]): string => {
  if (!ids.every(Number.isSafeInteger)) throw new Error(`not integer ids: ${ids.join(',')}`);
  return `'{${ids.join(',')}}'::bigint[]`;
};

export function ordersOf(databaseUrl: string, itemIds: readonly number[]): Promise<OrderRow[]> {
  return queryJson<OrderRow[]>(
    databaseUrl,
    `select coalesce(json_agg(json_build_object('id', id, 'key', idempotency_key, 'itemId', item_id, 'quantity', quantity)), '[]')
       from orders where item_id = any(${idList(itemIds)})`,
  );
}

export async function stockOf(databaseUrl: string, itemIds: readonly number[]): Promise<Map<number, number>> {
  const rows = await queryJson<Array<{ id: number; stock: number }>>(
    databaseUrl,
    `select coalesce(json_agg(json_build_object('id', id, 'stock', stock)), '[]') from items where id = any(${idList(itemIds)})`,
  );
  return new Map(rows.map((r) => [r.id, r.stock]));
}

export async function postgresVersion(databaseUrl: string): Promise<string> {
  return queryJson<string>(databaseUrl, `select to_json(current_setting('server_version'))`);
}
