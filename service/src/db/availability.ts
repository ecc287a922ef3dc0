import { abandonedWhileDownCode, databaseErrorCode, isDatabaseUnavailable, refusedWhileDownCode } from './errors';

/** Thrown instead of sending a statement while the database is known to be down. */
export class DatabaseDown extends Error {
  override readonly name = 'DatabaseDown';
  readonly code = refusedWhileDownCode;
  constructor() {
    super('the database is unreachable (last probe failed); statement not sent');
  }
}

/**
 * Rejects a statement or transaction still waiting for its answer when the breaker opens: on a black-holed
 * connection (the peer gone without a FIN or RST, or a proxy that stopped passing data) nothing else would
 * ever settle it. It may have run: writes answer "outcome unknown".
 */
export class DatabaseStoppedAnswering extends Error {
  override readonly name = 'DatabaseStoppedAnswering';
  readonly code = abandonedWhileDownCode;
  constructor() {
    super('the database stopped answering while this statement waited for its result (probe failed); it may or may not have run');
  }
}

export type AvailabilityState = 'up' | 'probing' | 'down';

/**
 * too_many_connections: the server is up and refuses only new sessions, while the pool's open connections go
 * on working. Opening the breaker on it would turn a full server into a full outage.
 */
const serverAnswered = (error: unknown) => databaseErrorCode(error) === '53300';

export interface AvailabilityOptions {
  /** One round trip to the database on a connection of its own; rejects when it cannot be made. */
  readonly probe: () => Promise<unknown>;
  /** Time between probes while the database is down: bounds how late recovery is noticed. */
  readonly probeIntervalMs: number;
  /** A probe slower than this counts as failed. */
  readonly probeTimeoutMs: number;
  /** Called when a probe timed out: its connection may be stuck (a black-holed peer) and must not be reused. */
  readonly abandonProbe?: () => void;
  /**
   * A statement with no answer after this long starts a probe, as a failed one does: a black-holed connection
   * fails nothing, it only stops answering. Longer than any statement the service runs; a probe that succeeds
   * (the database is slow, not gone) changes nothing.
   */
  readonly stallMs?: number;
  readonly onChange?: (state: AvailabilityState, cause?: unknown) => void;
}

/**
 * A circuit breaker in front of the pool. A statement that fails because the server is unreachable starts a
 * probe on a connection of its own; statements keep going through meanwhile, so one killed backend costs
 * nothing. Only a failed probe marks the database down: from then on statements are refused at once (the
 * caller answers 503 in microseconds instead of queueing behind reconnect attempts), and a probe runs every
 * `probeIntervalMs` until one succeeds.
 */
export function createAvailability(options: AvailabilityOptions) {
  let state: AvailabilityState = 'up';
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  const stallMs = options.stallMs ?? 2_000;
  /** Work sent and not yet answered: statements (their age is watched) and transactions (only abandoned). */
  const waiting = new Set<{ readonly since: number; readonly watched: boolean; readonly abandon: (error: Error) => void }>();
  let watchdog: NodeJS.Timeout | undefined;
  let lastStallProbe = -Infinity;

  const set = (next: AvailabilityState, cause?: unknown) => {
    if (next === state) return;
    state = next;
    if (next === 'down') abandonWaiting();
    options.onChange?.(next, cause);
  };

  function abandonWaiting() {
    const abandoned = [...waiting];
    waiting.clear();
    for (const work of abandoned) work.abandon(new DatabaseStoppedAnswering());
  }

  function watchForStalls() {
    if (watchdog || closed) return;
    watchdog = setInterval(() => {
      if (waiting.size === 0) {
        clearInterval(watchdog);
        watchdog = undefined;
        return;
      }
      if (state !== 'up') return;
      const oldest = Math.min(...[...waiting].filter((work) => work.watched).map((work) => work.since));
      const now = performance.now();
      // One stall probe per stallMs: a slow statement that the probe found alive is not probed over and over.
      if (now - oldest < stallMs || now - lastStallProbe < stallMs) return;
      lastStallProbe = now;
      set('probing', new Error(`a statement has had no answer for ${stallMs} ms`));
      void probeOnce();
    }, Math.max(10, Math.min(250, stallMs / 4)));
    watchdog.unref();
  }

  async function probeOnce(): Promise<void> {
    let timeout: NodeJS.Timeout | undefined;
    let timedOut = false;
    try {
      await Promise.race([
        options.probe(),
        new Promise((_, reject) => {
          timeout = setTimeout(() => {
            timedOut = true;
            reject(new Error(`probe took longer than ${options.probeTimeoutMs} ms`));
          }, options.probeTimeoutMs);
        }),
      ]);
      set('up');
    } catch (error) {
      if (serverAnswered(error)) return set('up');
      if (timedOut) options.abandonProbe?.();
      set('down', error);
      schedule();
    } finally {
      clearTimeout(timeout);
    }
  }

  function schedule() {
    if (closed || timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      void probeOnce();
    }, options.probeIntervalMs);
    timer.unref();
  }

  return {
    get state(): AvailabilityState {
      return state;
    },
    /** Throws DatabaseDown while the last probe failed. */
    admit(): void {
      if (state === 'down') throw new DatabaseDown();
    },
    /**
     * Registers work sent to the database; `abandon` rejects it if the breaker opens before it is answered.
     * A statement's age is watched (see stallMs); a transaction's is not, as its length is its statements'.
     * Returns the function to call once it is answered.
     */
    waitFor(kind: 'statement' | 'transaction', abandon: (error: Error) => void): () => void {
      const work = { since: performance.now(), watched: kind === 'statement', abandon };
      waiting.add(work);
      watchForStalls();
      return () => waiting.delete(work);
    },
    /** Every failed statement comes here: an unreachable server starts probing. */
    observe(error: unknown): void {
      if (closed || state !== 'up' || error instanceof DatabaseDown || !isDatabaseUnavailable(error) || serverAnswered(error)) return;
      set('probing', error);
      void probeOnce();
    },
    close(): void {
      closed = true;
      clearTimeout(timer);
      clearInterval(watchdog);
    },
  };
}

export type DatabaseAvailability = ReturnType<typeof createAvailability>;
