import { getHeapStatistics } from 'node:v8';

const mib = 1024 * 1024;
/**
 * Retained in chunks of 64 Ki doubles (512 KiB of V8 heap, as a real leak's objects are). Below V8's
 * 100,000-element limit for `new Array(n)`, so each chunk is one flat backing store of exactly 8 bytes an
 * element, not a dictionary.
 */
const chunkElements = 64 * 1024;
const chunkBytes = chunkElements * 8;

export interface LeakSetting {
  readonly mbPerMinute: number;
  readonly capMb: number;
}

/** No leak: what the flags read while off, and what releases everything retained. */
export const noLeak: LeakSetting = { mbPerMinute: 0, capMb: 0 };

export interface MemoryLeak {
  /** Grows at `mbPerMinute` over `elapsedMs`, never past `capMb`; a rate of 0 releases everything. */
  advance(setting: LeakSetting, elapsedMs: number): void;
  readonly retainedBytes: number;
  /** The most it ever holds, whatever the flags say: half the heap limit, so the leak cannot crash the replica. */
  readonly ceilingBytes: number;
}

function newChunk(): number[] {
  const chunk = new Array<number>(chunkElements);
  // Distinct doubles, so V8 cannot store the chunk more compactly than the bytes it is counted as.
  for (let i = 0; i < chunkElements; i++) chunk[i] = i + 0.5;
  return chunk;
}

/**
 * The bounded memory leak: chunks of heap kept reachable, as a cache that never evicts would. What it
 * retains never exceeds the cap flag (a lower cap drops chunks) nor half of V8's heap limit.
 */
export function createMemoryLeak(ceilingBytes = getHeapStatistics().heap_size_limit / 2): MemoryLeak {
  const chunks: number[][] = [];
  // Growth owed but smaller than a chunk, carried to the next advance so slow rates still grow.
  let owedBytes = 0;
  const retained = () => chunks.length * chunkBytes;
  return {
    advance({ mbPerMinute, capMb }, elapsedMs) {
      if (mbPerMinute <= 0) {
        chunks.length = 0;
        owedBytes = 0;
        return;
      }
      const capChunks = Math.floor(Math.min(capMb * mib, ceilingBytes) / chunkBytes);
      if (chunks.length >= capChunks) {
        chunks.length = capChunks;
        owedBytes = 0;
        return;
      }
      owedBytes += (mbPerMinute * mib * elapsedMs) / 60_000;
      while (owedBytes >= chunkBytes && chunks.length < capChunks) {
        chunks.push(newChunk());
        owedBytes -= chunkBytes;
      }
    },
    get retainedBytes() {
      return retained();
    },
    ceilingBytes,
  };
}
