/**
 * Stopping the profiler without loading it: shutdown calls this whether or not profiling runs, and the
 * profiler (with its native module) is loaded only when PYROSCOPE_SERVER_ADDRESS is set.
 */
let stopRunning: (() => void) | undefined;

/** Set by the profiler while it runs. */
export function onProfilingStop(stop: (() => void) | undefined): void {
  stopRunning = stop;
}

/** Stops profiling (shutdown): the window in progress is not pushed. */
export function stopProfiling(): void {
  stopRunning?.();
}
