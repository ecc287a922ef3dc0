import postgresClient from 'postgres';
import { jsonRequest, type RunningService } from './service-process';

/** What a client learned from one order request. */
export interface OrderAttempt {
  readonly key: string;
  readonly itemId: number;
  readonly status: number | 'network';
  readonly code?: string;
  readonly orderId?: number;
  readonly startedAt: number;
  readonly endedAt: number;
}

async function placeOrder(service: RunningService, key: string, itemId: number): Promise<OrderAttempt> {
  const startedAt = performance.now();
  try {
    const response = await service.fetch('/api/orders', jsonRequest('POST', { itemId, quantity: 1 }, { 'idempotency-key': key }));
    const body = (await response.json()) as { id?: number; error?: { code: string } };
    return { key, itemId, status: response.status, code: body.error?.code, orderId: body.id, startedAt, endedAt: performance.now() };
  } catch {
    return { key, itemId, status: 'network', startedAt, endedAt: performance.now() };
  }
}

/** Keep-alive clients placing one-unit orders on a few hot items, each with a fresh Idempotency-Key. */
export function startOrderLoad(service: RunningService, itemIds: readonly number[], clients: number) {
  let running = true;
  const attempts: OrderAttempt[] = [];
  const loops = Array.from({ length: clients }, async (_, client) => {
    for (let n = 0; running; n++) {
      const attempt = await placeOrder(service, `load-${client}-${n}-${Math.random().toString(36).slice(2)}`, itemIds[(client + n) % itemIds.length]!);
      attempts.push(attempt);
      // A refused request returns in microseconds: pace the retries as a real client would.
      if (attempt.status !== 201 && attempt.status !== 409) await new Promise((resolve) => setTimeout(resolve, 20));
    }
  });
  return {
    attempts,
    async stop(): Promise<OrderAttempt[]> {
      running = false;
      await Promise.all(loops);
      return attempts;
    },
  };
}

/**
 * Answers that settle an order: placed (201), refused (409), or refused before anything was sent to the
 * database (503 database_unavailable; the ledger check holds the service to that claim). A network error or
 * 503 order_outcome_unknown settles nothing.
 */
const definite = ({ status, code }: OrderAttempt) => status === 201 || status === 409 || (status === 503 && code === 'database_unavailable');

/**
 * Retries every order whose outcome the client does not know with the same key until the answer is definite,
 * as a client holding an Idempotency-Key should. Returns the final answer per key.
 */
export async function settleOrders(service: RunningService, attempts: readonly OrderAttempt[], timeoutMs = 15_000): Promise<Map<string, OrderAttempt>> {
  const finals = new Map(attempts.map((attempt) => [attempt.key, attempt]));
  const unsettled = [...finals.values()].filter((attempt) => !definite(attempt));
  const deadline = Date.now() + timeoutMs;
  const settle = async () => {
    for (let attempt = unsettled.pop(); attempt; attempt = unsettled.pop()) {
      let current = attempt;
      while (!definite(current) || current.status === 503) {
        if (Date.now() > deadline) throw new Error(`order ${attempt.key} still has no definite outcome: ${current.status} ${current.code ?? ''}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
        current = await placeOrder(service, attempt.key, attempt.itemId);
      }
      finals.set(attempt.key, current);
    }
  };
  await Promise.all(Array.from({ length: 8 }, settle));
  return finals;
}

/**
 * The ledger check: every acknowledged order is stored exactly once, nothing is stored that the client was
 * not finally told about, and each item's stock is its initial stock minus the orders stored for it.
 */
export async function ledgerProblems(databaseUrl: string, initialStock: ReadonlyMap<number, number>, finals: ReadonlyMap<string, OrderAttempt>): Promise<string[]> {
  const sql = postgresClient(databaseUrl, { max: 1, onnotice: () => undefined });
  try {
    const itemIds = [...initialStock.keys()];
    // bigint columns read as numbers, like the API's JSON.
    const stored = await sql<{ id: number; item_id: number; quantity: number; idempotency_key: string }[]>`
      select id::float8 as id, item_id::float8 as item_id, quantity, idempotency_key from orders where item_id in ${sql(itemIds)}`;
    const stocks = await sql<{ id: number; stock: number }[]>`select id::float8 as id, stock from items where id in ${sql(itemIds)}`;
    const problems: string[] = [];
    const storedByKey = new Map(stored.map((order) => [order.idempotency_key, order]));
    if (storedByKey.size !== stored.length) problems.push(`${stored.length - storedByKey.size} idempotency keys stored twice`);
    for (const [key, answer] of finals) {
      const order = storedByKey.get(key);
      if (answer.status === 201 && order?.id !== answer.orderId) problems.push(`acknowledged order ${answer.orderId} (${key}) is not stored as such`);
      if (answer.status !== 201 && order) problems.push(`order ${order.id} (${key}) is stored but its client was told ${answer.status}`);
    }
    for (const order of stored) if (!finals.has(order.idempotency_key)) problems.push(`order ${order.id} was stored for a key no client sent`);
    for (const { id, stock } of stocks) {
      const ordered = stored.filter((order) => order.item_id === id).reduce((sum, order) => sum + order.quantity, 0);
      if (stock !== initialStock.get(id)! - ordered) problems.push(`item ${id}: stock ${stock}, expected ${initialStock.get(id)! - ordered}`);
    }
    return problems;
  } finally {
    await sql.end();
  }
}
