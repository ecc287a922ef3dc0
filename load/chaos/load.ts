import { send, type Answer, type RequestSpec } from './client.ts';
import type { Sample } from './samples.ts';

export interface LoadOptions {
  /** Concurrent clients, each sending one request at a time over the shared keep-alive pool. */
  readonly clients: number;
  /** The service's current address: a replacement replica after a crash has another port. */
  readonly target: () => string;
  /** The next request a client sends. */
  readonly next: () => Planned;
  readonly timeoutMs: number;
  /**
   * Pause after a failure or a 5xx: a client that retries in a hot loop measures its own spinning on a
   * two-core box, not the service.
   */
  readonly pauseAfterFailureMs: number;
}

/** A request and what to do with its answer (an order updates the journal). */
export interface Planned {
  readonly spec: RequestSpec;
  readonly onAnswer?: (answer: Answer) => void;
}

export interface RunningLoad {
  readonly samples: Sample[];
  /** Stops sending; resolves when every client's request in flight has ended. */
  stop(): Promise<Sample[]>;
}

export function startLoad(options: LoadOptions): RunningLoad {
  const samples: Sample[] = [];
  let running = true;
  const client = async () => {
    while (running) {
      const planned = options.next();
      const answer = await send(options.target(), planned.spec, options.timeoutMs);
      samples.push(answer.sample);
      planned.onAnswer?.(answer);
      if (answer.sample.failure !== undefined || (answer.sample.status ?? 0) >= 500) {
        await new Promise((resolve) => setTimeout(resolve, options.pauseAfterFailureMs));
      }
    }
  };
  const clients = Array.from({ length: options.clients }, client);
  return {
    samples,
    async stop() {
      running = false;
      await Promise.all(clients);
      return samples;
    },
  };
}
