/**
 * The ledger check: what the clients were told against what Postgres holds. Pure, unit-tested.
 * An acknowledged order (201) must be stored exactly once, as acknowledged; no order may be stored that the
 * clients were not (finally) told about; each hot item's stock must equal its initial stock minus the
 * quantities of the acknowledged orders on it.
 */

/** What a client finally knows about an order: stored (201), not stored (409, 422, never sent), or not known yet. */
export type OrderState = 'acknowledged' | 'refused' | 'unknown';

export interface JournalEntry {
  readonly key: string;
  readonly itemId: number;
  readonly quantity: number;
  readonly state: OrderState;
  /** The order id of the 201 answer (first answer or replay). */
  readonly orderId?: number;
}

export interface OrderRow {
  readonly id: number;
  readonly key: string;
  readonly itemId: number;
  readonly quantity: number;
}

export interface StockRow {
  readonly itemId: number;
  readonly initial: number;
  readonly actual: number;
}

export interface LedgerResult {
  readonly acknowledged: number;
  readonly refused: number;
  readonly rows: number;
  /** Keys whose outcome the client could not learn, even after its retries. */
  readonly unresolved: string[];
  /** Acknowledged keys with no stored order. */
  readonly missing: string[];
  /** Keys stored more than once. */
  readonly duplicated: string[];
  /** Stored orders whose key the clients were never acknowledged for (refused, unknown, or never sent). */
  readonly unacknowledged: string[];
  /** Acknowledged keys stored with another id, item or quantity than the client was told. */
  readonly mismatched: string[];
  readonly stock: ReadonlyArray<{ itemId: number; expected: number; actual: number }>;
  readonly ok: boolean;
}

export function checkLedger(entries: readonly JournalEntry[], rows: readonly OrderRow[], stocks: readonly StockRow[]): LedgerResult {
  const tracked = new Set(stocks.map((s) => s.itemId));
  const mine = entries.filter((e) => tracked.has(e.itemId));
  const stored = rows.filter((r) => tracked.has(r.itemId));
  const rowsByKey = new Map<string, OrderRow[]>();
  for (const row of stored) rowsByKey.set(row.key, [...(rowsByKey.get(row.key) ?? []), row]);
  const acknowledged = mine.filter((e) => e.state === 'acknowledged');
  const acknowledgedKeys = new Set(acknowledged.map((e) => e.key));

  const missing = acknowledged.filter((e) => !rowsByKey.has(e.key)).map((e) => e.key);
  const duplicated = [...rowsByKey].filter(([, list]) => list.length > 1).map(([key]) => key);
  const unacknowledged = [...rowsByKey.keys()].filter((key) => !acknowledgedKeys.has(key));
  const mismatched = acknowledged
    .filter((e) => {
      const row = rowsByKey.get(e.key)?.[0];
      return row !== undefined && (row.id !== e.orderId || row.itemId !== e.itemId || row.quantity !== e.quantity);
    })
    .map((e) => e.key);
  const unresolved = mine.filter((e) => e.state === 'unknown').map((e) => e.key);
  const stock = stocks.map((s) => ({
    itemId: s.itemId,
    expected: s.initial - acknowledged.filter((e) => e.itemId === s.itemId).reduce((sum, e) => sum + e.quantity, 0),
    actual: s.actual,
  }));
  const ok =
    unresolved.length + missing.length + duplicated.length + unacknowledged.length + mismatched.length === 0 &&
    stock.every((s) => s.expected === s.actual);
  return {
    acknowledged: acknowledged.length,
    refused: mine.filter((e) => e.state === 'refused').length,
    rows: stored.length,
    unresolved,
    missing,
    duplicated,
    unacknowledged,
    mismatched,
    stock,
    ok,
  };
}
