/** One burn slice plus its rest: short, so requests wait at most this long behind the hog. */
const sliceMs = 50;

export interface CpuHog {
  /** Burns `percent` (0 to 100) of the event loop from now on; 0 stops it. */
  set(percent: number): void;
  readonly percent: number;
}

/**
 * A busy loop on the event loop: every 50 ms it spins for `percent`% of the slice, then yields. It competes
 * with requests the way a CPU-heavy bug would (event-loop utilisation and delay rise, latency follows).
 * Its timer is unref'd: it never keeps a stopping process alive.
 */
export function createCpuHog(): CpuHog {
  let percent = 0;
  let timer: NodeJS.Timeout | undefined;
  const slice = () => {
    timer = undefined;
    if (percent <= 0) return;
    const burnMs = (sliceMs * percent) / 100;
    const until = performance.now() + burnMs;
    while (performance.now() < until) {
      // spin
    }
    timer = setTimeout(slice, sliceMs - burnMs).unref();
  };
  return {
    set(next) {
      percent = Math.min(Math.max(next, 0), 100);
      if (percent === 0 && timer) {
        clearTimeout(timer);
        timer = undefined;
      } else if (percent > 0 && !timer) {
        timer = setTimeout(slice, 0).unref();
      }
    },
    get percent() {
      return percent;
    },
  };
}
