import type { Answer } from './client.ts';
import type { OrderJournal } from './journal.ts';
import type { JournalEntry } from './ledger.ts';
import type { Planned } from './load.ts';

/** The items the campaign works on. */
export interface Shop {
  /** A few rows every order contends on; the ledger is checked on these. */
  readonly hotItems: readonly number[];
  readonly journal: OrderJournal;
}

/** Weights of the request kinds in a load mix. */
export interface Mix {
  readonly order: number;
  readonly read: number;
  readonly list: number;
}

const pick = <T>(values: readonly T[]): T => values[Math.floor(Math.random() * values.length)]!;

const orderId = (answer: Answer): number | undefined => {
  const id = (answer.json as { id?: unknown } | undefined)?.id;
  return typeof id === 'number' ? id : undefined;
};

/** POST /api/orders for an order in the journal (a new one or one whose outcome is unknown). */
export function orderRequest(journal: OrderJournal, entry: JournalEntry): Planned {
  return {
    spec: {
      route: 'order',
      method: 'POST',
      path: '/api/orders',
      headers: { 'content-type': 'application/json', 'idempotency-key': entry.key },
      body: journal.body(entry),
      touchesPostgres: true,
    },
    onAnswer: (answer) => journal.record(entry.key, answer.sample, orderId(answer)),
  };
}

export function newOrder(shop: Shop, label: string): Planned {
  return orderRequest(shop.journal, shop.journal.create(pick(shop.hotItems), 1 + Math.floor(Math.random() * 3), label));
}

export const itemRead = (itemId: number): Planned => ({
  spec: { route: 'item-read', method: 'GET', path: `/api/items/${itemId}`, touchesPostgres: false },
});

export const listPage = (): Planned => ({
  spec: { route: 'list', method: 'GET', path: '/api/items?limit=20', touchesPostgres: true },
});

/** A request generator drawing order / read / list by weight. */
export function mixed(shop: Shop, mix: Mix, label: string): () => Planned {
  const total = mix.order + mix.read + mix.list;
  if (total <= 0) throw new Error('a load mix needs a positive weight');
  return () => {
    const r = Math.random() * total;
    if (r < mix.order) return newOrder(shop, label);
    if (r < mix.order + mix.read) return itemRead(pick(shop.hotItems));
    return listPage();
  };
}
