import { createHash } from 'node:crypto';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';

export interface CpuWorkResult {
  readonly rounds: number;
  readonly digest: string;
}

const sliceMs = 10;

/**
 * Burns CPU for about `durationMs` in slices of ~10 ms, yielding between slices so a heavy task makes the
 * event loop lag (visible in the runtime metrics) without starving request handling outright.
 */
export async function burnCpu(durationMs: number, signal?: AbortSignal): Promise<CpuWorkResult> {
  const deadline = performance.now() + durationMs;
  let digest = Buffer.alloc(32);
  let rounds = 0;
  while (performance.now() < deadline) {
    signal?.throwIfAborted();
    const sliceEnd = Math.min(deadline, performance.now() + sliceMs);
    while (performance.now() < sliceEnd) {
      digest = createHash('sha256').update(digest).digest();
      rounds++;
    }
    await yieldToEventLoop();
  }
  return { rounds, digest: digest.toString('hex') };
}
