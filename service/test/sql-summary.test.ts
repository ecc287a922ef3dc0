import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { summarizeSql } from '../src/db/sql-summary';

describe('summarizeSql', () => {
  it('reads the operation and target table of the statements drizzle writes', () => {
    assert.deepEqual(summarizeSql('select "id", "name" from "items" where "items"."id" = $1'), { operation: 'SELECT', collection: 'items' });
    assert.deepEqual(summarizeSql('insert into "orders" ("item_id") values ($1) on conflict do nothing returning *'), { operation: 'INSERT', collection: 'orders' });
    assert.deepEqual(summarizeSql('update "items" set "stock" = "stock" - $1 where ("items"."id" = $2)'), { operation: 'UPDATE', collection: 'items' });
    assert.deepEqual(summarizeSql('delete from "public"."items" where "items"."id" = $1'), { operation: 'DELETE', collection: 'items' });
  });

  it('keeps the operation alone when there is no table', () => {
    assert.deepEqual(summarizeSql('select pg_sleep($1)'), { operation: 'SELECT' });
    assert.deepEqual(summarizeSql('/* probe */ select 1'), { operation: 'SELECT' });
    assert.deepEqual(summarizeSql('BEGIN'), { operation: 'BEGIN' });
  });

  it('returns nothing for empty text', () => {
    assert.deepEqual(summarizeSql('   '), {});
  });
});
