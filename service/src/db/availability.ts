import { databaseErrorCode, isDatabaseUnavailable, refusedWhileDownCode } from './errors';

/** Thrown instead of sending a statement while the database is known to be down. */
export class DatabaseDown extends Error {
  override readonly name = 'DatabaseDown';
  readonly code = refusedWhileDownCode;
  constructor() {
    super('the database is unreachable (last probe failed); statement not sent');
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

  const set = (next: AvailabilityState, cause?: unknown) => {
    if (next === state) return;
    state = next;
    options.onChange?.(next, cause);
  };

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
    /** Every failed statement comes here: an unreachable server starts probing. */
    observe(error: unknown): void {
      if (closed || state !== 'up' || error instanceof DatabaseDown || !isDatabaseUnavailable(error) || serverAnswered(error)) return;
      set('probing', error);
      void probeOnce();
    },
    close(): void {
      closed = true;
      clearTimeout(timer);
    },
  };
}

export type DatabaseAvailability = ReturnType<typeof createAvailability>;
