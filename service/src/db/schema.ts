import { sql } from 'drizzle-orm';
import { bigint, check, customType, index, integer, jsonb, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { rfc3339FromPostgres } from './rfc3339';

/**
 * timestamptz read as RFC 3339, the form the API answers in (Postgres's own text, `2026-12-07 22:04:42+00`, is
 * not); written as any text Postgres parses, an ISO string for one. The column in Postgres is unchanged.
 */
const timestamptz = customType<{ data: string; driverData: string }>({
  dataType: () => 'timestamp with time zone',
  fromDriver: rfc3339FromPostgres,
});

export const items = pgTable(
  'items',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    name: text('name').notNull(),
    priceCents: integer('price_cents').notNull(),
    stock: integer('stock').notNull(),
    createdAt: timestamptz('created_at').notNull().default(sql`now()`),
    updatedAt: timestamptz('updated_at').notNull().default(sql`now()`),
  },
  (table) => [
    check('items_price_cents_non_negative', sql`${table.priceCents} >= 0`),
    // The last line of defence against overselling: even a buggy update cannot drive stock below zero.
    check('items_stock_non_negative', sql`${table.stock} >= 0`),
  ],
);

export const orders = pgTable(
  'orders',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    itemId: bigint('item_id', { mode: 'number' }).notNull().references(() => items.id, { onDelete: 'restrict' }),
    quantity: integer('quantity').notNull(),
    // bigint: priceCents (up to 1e8) times quantity (up to 1e4) exceeds int4.
    totalCents: bigint('total_cents', { mode: 'number' }).notNull(),
    idempotencyKey: text('idempotency_key').notNull().unique('orders_idempotency_key_unique'),
    createdAt: timestamptz('created_at').notNull().default(sql`now()`),
  },
  (table) => [
    check('orders_quantity_positive', sql`${table.quantity} > 0`),
    index('orders_item_id_idx').on(table.itemId),
  ],
);

export const taskStatuses = ['queued', 'running', 'succeeded', 'failed'] as const;
export const taskKinds = ['heavy-task'] as const;

/** Background task state lives in Postgres so any replica behind the load balancer can report it. */
export const backgroundTasks = pgTable('background_tasks', {
  id: uuid('id').primaryKey(),
  kind: text('kind', { enum: taskKinds }).notNull(),
  status: text('status', { enum: taskStatuses }).notNull(),
  parameters: jsonb('parameters').$type<{ workMs: number }>().notNull(),
  result: jsonb('result').$type<{ rounds: number; digest: string }>(),
  error: text('error'),
  createdAt: timestamptz('created_at').notNull().default(sql`now()`),
  startedAt: timestamptz('started_at'),
  finishedAt: timestamptz('finished_at'),
});

export type Item = typeof items.$inferSelect;
export type Order = typeof orders.$inferSelect;
export type BackgroundTask = typeof backgroundTasks.$inferSelect;
