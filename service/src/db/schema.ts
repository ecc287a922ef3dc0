import { sql } from 'drizzle-orm';
import { bigint, check, index, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

export const items = pgTable(
  'items',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    name: text('name').notNull(),
    priceCents: integer('price_cents').notNull(),
    stock: integer('stock').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
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
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
  },
  (table) => [
    check('orders_quantity_positive', sql`${table.quantity} > 0`),
    index('orders_item_id_idx').on(table.itemId),
  ],
);

export const taskStatuses = ['queued', 'running', 'succeeded', 'failed'] as const;

/** Background task state lives in Postgres so any replica behind the load balancer can report it. */
export const backgroundTasks = pgTable('background_tasks', {
  id: uuid('id').primaryKey(),
  kind: text('kind').notNull(),
  status: text('status', { enum: taskStatuses }).notNull(),
  parameters: jsonb('parameters').notNull(),
  result: jsonb('result'),
  error: text('error'),
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
  startedAt: timestamp('started_at', { withTimezone: true, mode: 'string' }),
  finishedAt: timestamp('finished_at', { withTimezone: true, mode: 'string' }),
});

export type Item = typeof items.$inferSelect;
export type Order = typeof orders.$inferSelect;
export type BackgroundTask = typeof backgroundTasks.$inferSelect;
