/** How often the hog wakes up to burn what it owes. */
const tickMs = 10;
/** The longest one burn blocks the event loop: requests wait at most about this long behind the hog. */
const maxBurnMs = 50;

export interface CpuHog {
  /** Burns `percent` (0 to 100) of the event loop from now on; 0 stops it. */
  set(percent: number): void;
}

function spin(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // burning is the point
  }
}

/**
 * A busy loop on the event loop, competing with requests the way a CPU-heavy bug would (event-loop
 * utilisation and delay rise, latency follows). It keeps an account rather than trusting timers: a timer
 * set right after a burn is measured from the loop's time before the burn and fires early, and a loaded
 * machine fires it late. Each wake-up burns what the share owes since the last change (at most 50 ms at
 * once, and debt older than that is forgiven). Its timer is unref'd: it never keeps a process alive.
 */
export function createCpuHog(): CpuHog {
  let percent = 0;
  let timer: NodeJS.Timeout | undefined;
  let since = 0;
  let burned = 0;
  const tick = () => {
    const owed = ((performance.now() - since) * percent) / 100 - burned;
    if (owed > maxBurnMs) burned += owed - maxBurnMs;
    const burn = Math.min(owed, maxBurnMs);
    if (burn > 0) {
      spin(burn);
      burned += burn;
    }
    timer = setTimeout(tick, tickMs).unref();
  };
  return {
    set(next) {
      const clamped = Math.min(Math.max(next, 0), 100);
      if (clamped === percent) return;
      percent = clamped;
      since = performance.now();
      burned = 0;
      if (percent === 0) {
        clearTimeout(timer);
        timer = undefined;
      } else if (!timer) {
        timer = setTimeout(tick, tickMs).unref();
      }
    },
  };
}
