import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import postgres from 'postgres';
import { sharedConnectionOptions } from '../src/db/client';
import { rfc3339FromPostgres } from '../src/db/rfc3339';
import { startPostgres, type TestServer } from './support/servers';

describe('rfc3339FromPostgres', () => {
  let server: TestServer;
  let sql: postgres.Sql;
  before(async () => {
    server = await startPostgres();
    sql = postgres(server.url, { max: 1, ...sharedConnectionOptions });
  });
  after(async () => {
    await sql?.end({ timeout: 1 });
    await server?.dispose();
  });

  it('turns the text Postgres sends in any session time zone into RFC 3339 naming the same instant', async () => {
    const cases: Array<[zone: string, instant: string]> = [
      ['UTC', '2026-12-07T22:04:42.795465Z'],
      ['Asia/Kolkata', '2026-12-07T22:04:42.795465Z'],
      ['America/St_Johns', '2026-07-01T12:00:00Z'],
      ['America/Los_Angeles', '2026-12-07T22:04:42Z'],
      // Before 1892 Amsterdam kept local mean time, +00:19:32: an offset with seconds, which RFC 3339 cannot write.
      ['Europe/Amsterdam', '1850-06-01T12:00:00.5Z'],
    ];
    for (const [zone, instant] of cases) {
      await sql.unsafe(`set time zone '${zone}'`);
      const [row] = await sql.unsafe<[{ text: string }]>(`select '${instant}'::timestamptz::text as text`);
      const converted = rfc3339FromPostgres(row!.text);
      assert.match(converted, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/, `${zone}: ${row!.text}`);
      assert.equal(Date.parse(converted), Date.parse(instant), `${zone}: ${row!.text} -> ${converted}`);
    }
  });

  it('reads ISO text through the service\'s connection options even from a database set to another DateStyle', async () => {
    const admin = postgres(server.url, { max: 1, onnotice: () => undefined });
    const database = (await admin<[{ name: string }]>`select current_database() as name`)[0]!.name;
    await admin.unsafe(`alter database "${database}" set datestyle = 'SQL, DMY'`);
    try {
      const plain = postgres(server.url, { max: 1, onnotice: () => undefined });
      const shared = postgres(server.url, { max: 1, ...sharedConnectionOptions });
      try {
        const query = `select '2026-12-07T22:04:42.795465Z'::timestamptz::text as text`;
        const [sqlStyle] = await plain.unsafe<[{ text: string }]>(query);
        assert.throws(() => rfc3339FromPostgres(sqlStyle!.text), /not a Postgres timestamptz/, 'the database\'s own DateStyle is not ISO');
        const [iso] = await shared.unsafe<[{ text: string }]>(query);
        assert.equal(Date.parse(rfc3339FromPostgres(iso!.text)), Date.parse('2026-12-07T22:04:42.795465Z'));
      } finally {
        await plain.end({ timeout: 1 });
        await shared.end({ timeout: 1 });
      }
    } finally {
      await admin.unsafe(`alter database "${database}" reset datestyle`);
      await admin.end({ timeout: 1 });
    }
  });

  it('keeps every fractional digit, and writes UTC as Z', () => {
    assert.equal(rfc3339FromPostgres('2026-12-07 22:04:42.795465+00'), '2026-12-07T22:04:42.795465Z');
    assert.equal(rfc3339FromPostgres('2026-12-07 22:04:42+05:30'), '2026-12-07T22:04:42+05:30');
    assert.equal(rfc3339FromPostgres('2026-12-07 14:04:42.1-08'), '2026-12-07T14:04:42.1-08:00');
  });

  it('refuses text that is not a timestamptz', () => {
    for (const text of ['', 'infinity', '2026-12-07T22:04:42Z', '2026-12-07 22:04:42']) assert.throws(() => rfc3339FromPostgres(text), /not a Postgres timestamptz/, text);
  });
});
