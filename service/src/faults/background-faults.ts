import type { Logger } from '../logger';
import { createCpuHog } from './cpu-hog';
import type { FaultFlags } from './fault-flags';
import { createMemoryLeak, noLeak, type LeakSetting } from './memory-leak';

/** How often the process-wide flags are read again: a change takes effect within about this. */
const backgroundFaultIntervalMs = 1_000;

const mib = 1024 * 1024;

export interface BackgroundFaults {
  /** Stops the hog and the polling and releases the leak (at shutdown). */
  stop(): void;
}

/**
 * The faults that belong to the replica rather than a request: the CPU hog and the memory leak. Their
 * flags are read about once a second (outside any request, so they are counted but are on no span);
 * a flag back at 0 stops the hog and releases the leak at the next read.
 */
export function startBackgroundFaults(flags: FaultFlags, logger: Logger): BackgroundFaults {
  if (!flags.enabled) return { stop: () => undefined };
  const hog = createCpuHog();
  const leak = createMemoryLeak();
  let lastRead = performance.now();
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let previous = { cpuHogPercent: 0, leak: noLeak, leakAtCap: false };

  const apply = (cpuHogPercent: number, leakSetting: LeakSetting, elapsedMs: number) => {
    hog.set(cpuHogPercent);
    leak.advance(leakSetting, elapsedMs);
    const retainedMb = Math.round(leak.retainedBytes / mib);
    const leakAtCap = leakSetting.mbPerMinute > 0 && leak.retainedBytes + 512 * 1024 > Math.min(leakSetting.capMb * mib, leak.ceilingBytes);
    if (cpuHogPercent !== previous.cpuHogPercent) logger.info({ cpuHogPercent }, cpuHogPercent > 0 ? 'cpu hog burning' : 'cpu hog stopped');
    if (leakSetting.mbPerMinute !== previous.leak.mbPerMinute || leakSetting.capMb !== previous.leak.capMb) {
      logger.info({ ...leakSetting, retainedMb }, leakSetting.mbPerMinute > 0 ? 'memory leak on' : 'memory leak off: retained memory released');
    }
    if (leakAtCap && !previous.leakAtCap) logger.info({ retainedMb, capMb: leakSetting.capMb }, 'memory leak reached its cap');
    previous = { cpuHogPercent, leak: leakSetting, leakAtCap };
  };

  const tick = () => {
    const now = performance.now();
    apply(flags.cpuHogPercent(), flags.memoryLeak(), now - lastRead);
    lastRead = now;
    if (!stopped) timer = setTimeout(tick, backgroundFaultIntervalMs).unref();
  };
  timer = setTimeout(tick, 0).unref();

  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
      hog.set(0);
      leak.advance(noLeak, 0);
    },
  };
}
