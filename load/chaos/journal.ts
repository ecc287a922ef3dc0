import { randomUUID } from 'node:crypto';
import type { JournalEntry, OrderState } from './ledger.ts';
import type { FailureKind } from './samples.ts';

/** What came back for one POST /api/orders: a status, or a failure with none. */
export interface OrderReply {
  readonly status?: number;
  readonly failure?: FailureKind;
}

/**
 * What a reply tells the client. 201: stored. 409 (not enough stock), 422 (key reused with another body) and
 * a refused connection (the request never left the client): definitely not stored. Anything else (a reset
 * or a timeout mid-request, a 5xx, a 4xx the order should not get) leaves the outcome unknown: the client
 * must ask again with the same Idempotency-Key.
 */
export function orderStateFor(reply: OrderReply): OrderState {
  if (reply.status === 201) return 'acknowledged';
  if (reply.status === 409 || reply.status === 422) return 'refused';
  if (reply.status === undefined && reply.failure === 'refused') return 'refused';
  return 'unknown';
}

interface MutableEntry {
  key: string;
  itemId: number;
  quantity: number;
  state: OrderState;
  orderId?: number;
  attempts: number;
}

/** Every order the campaign sent, by Idempotency-Key, with what the client last learned about it. */
export class OrderJournal {
  readonly #entries = new Map<string, MutableEntry>();

  create(itemId: number, quantity: number, label: string): JournalEntry {
    const entry: MutableEntry = { key: `chaos-${label}-${randomUUID()}`, itemId, quantity, state: 'unknown', attempts: 0 };
    this.#entries.set(entry.key, entry);
    return entry;
  }

  /**
   * Records one answer. The first definite answer is what the client acts on, so it is kept: only orders
   * still unknown are asked again.
   */
  record(key: string, reply: OrderReply, orderId?: number): void {
    const entry = this.#entries.get(key);
    if (!entry) throw new Error(`no order with key ${key} in the journal`);
    entry.attempts++;
    const state = orderStateFor(reply);
    if (state === 'unknown' || entry.state !== 'unknown') return;
    entry.state = state;
    if (orderId !== undefined) entry.orderId = orderId;
  }

  entries(): JournalEntry[] {
    return [...this.#entries.values()].map((e) => ({ ...e }));
  }

  unknown(): JournalEntry[] {
    return this.entries().filter((e) => e.state === 'unknown');
  }

  body(entry: JournalEntry): string {
    return JSON.stringify({ itemId: entry.itemId, quantity: entry.quantity });
  }
}
