import { send } from './client.ts';
import type { OrderJournal } from './journal.ts';
import { orderRequest } from './requests.ts';

export interface Settlement {
  /** Orders whose outcome was unknown when the fault ended. */
  readonly unknownAtEnd: number;
  /** Requests sent to learn their outcome. */
  readonly retries: number;
  /** Still unknown when the budget ran out. */
  readonly stillUnknown: number;
}

/**
 * What a careful client does after a fault: ask again, with the same Idempotency-Key and body, about every
 * order whose outcome it does not know, until each gets a definite answer (201, 409, 422) or the budget ends.
 */
export async function settleUnknownOrders(journal: OrderJournal, target: () => string, budgetMs: number): Promise<Settlement> {
  const unknownAtEnd = journal.unknown().length;
  const deadline = performance.now() + budgetMs;
  let retries = 0;
  while (journal.unknown().length > 0 && performance.now() < deadline) {
    const pending = journal.unknown();
    // A few at a time: the service has just come back, and a thundering herd is its own fault.
    for (let i = 0; i < pending.length; i += 10) {
      await Promise.all(
        pending.slice(i, i + 10).map(async (entry) => {
          const planned = orderRequest(journal, entry);
          const answer = await send(target(), planned.spec, 5_000);
          retries++;
          planned.onAnswer?.(answer);
        }),
      );
    }
    if (journal.unknown().length > 0) await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return { unknownAtEnd, retries, stillUnknown: journal.unknown().length };
}
