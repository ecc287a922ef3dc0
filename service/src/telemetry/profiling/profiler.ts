import { heap, time, encode } from '@datadog/pprof';
import { metrics } from '@opentelemetry/api';
import { profilingMetrics } from '../metric-names';
import type { ProfilingSettings } from './settings';
import { onProfilingStop } from './lifecycle';
import { ingestName, pushProfile } from './pyroscope-push';
import { spanIdLabel, useSpanContextRunner } from './span-profiles';

/** What the profiler says about itself: one warning when Pyroscope stops taking profiles, one line when it takes them again. */
export interface ProfilerLog {
  warn(fields: Record<string, unknown>, message: string): void;
  info(fields: Record<string, unknown>, message: string): void;
}

const profileTypes = ['wall', 'heap'] as const;
type ProfileType = (typeof profileTypes)[number];

/** The context a wall sample carries while a root span's work runs (see span-profiles.ts). */
interface SpanSampleContext {
  readonly spanId: string;
}

type GenerateTimeLabels = NonNullable<Parameters<typeof time.stop>[1]>;

/** A sample taken under a root span gets its id as `span_id`; any other sample (idle, outside requests) none. */
const noLabels: Record<string, string> = {};
const spanLabels: GenerateTimeLabels = ({ context }) => {
  const spanId = (context?.context as SpanSampleContext | undefined)?.spanId;
  return spanId ? { [spanIdLabel]: spanId } : noLabels;
};

export interface RunningProfiler {
  /** Takes the profiles of the window now ending, as they would be pushed (tests decode these). */
  collect(): Promise<Record<ProfileType, Buffer>>;
  stop(): void;
}

let running: RunningProfiler | undefined;

/**
 * Starts the wall profiler (with CPU time per sample when `collectCpuTime`) and the sampling heap profiler,
 * and every `flushIntervalMs` pushes both to Pyroscope labelled with `service_name` and the replica.
 *
 * The wall profiler keeps a context per sample in Node's async context frame (`useCPED`), so the span id a
 * root span's work runs under follows it through every await without an async hook. Pushing happens off any
 * request's path; an unreachable or refusing Pyroscope costs one failed fetch per window, the profiles of
 * that window are dropped (counted by `app.profiles.dropped`), and a push still running when the next window
 * ends makes that window's profiles dropped too, so nothing queues up.
 */
export function startProfiling(settings: ProfilingSettings, log: ProfilerLog): RunningProfiler {
  if (running) return running;
  time.start({
    intervalMicros: settings.wallIntervalMicros,
    withContexts: true,
    useCPED: true,
    collectCpuTime: settings.collectCpuTime,
  });
  heap.start(settings.heapIntervalBytes, settings.heapStackDepth);
  useSpanContextRunner((spanId, work) => time.runWithContext({ spanId } satisfies SpanSampleContext, work));

  const meter = metrics.getMeter('@lab/service/profiling');
  const pushed = meter.createCounter(profilingMetrics.profilesPushed.name, { unit: profilingMetrics.profilesPushed.unit, description: 'Profiles Pyroscope accepted' });
  const dropped = meter.createCounter(profilingMetrics.profilesDropped.name, { unit: profilingMetrics.profilesDropped.unit, description: 'Profiles dropped: Pyroscope unreachable, refusing, or still busy with the previous push' });
  const name = ingestName(settings.serviceName, { service_name: settings.serviceName, service_instance_id: settings.replica });
  const pushTimeoutMs = Math.min(10_000, settings.flushIntervalMs);

  let windowStart = Date.now();
  let pushing = false;
  let failing = false;

  async function collect(): Promise<Record<ProfileType, Buffer>> {
    const wall = time.stop(true, spanLabels);
    const heapProfile = heap.profile();
    const [wallBytes, heapBytes] = await Promise.all([encode(wall), encode(heapProfile)]);
    return { wall: wallBytes, heap: heapBytes };
  }

  async function flush(): Promise<void> {
    const fromMs = windowStart;
    const untilMs = Date.now();
    windowStart = untilMs;
    if (pushing) {
      // The previous push still runs: roll the wall window over (its samples are dropped) without encoding
      // profiles nobody will send.
      time.stop(true);
      for (const type of profileTypes) dropped.add(1, { 'profile.type': type });
      return;
    }
    const profiles = await collect();
    pushing = true;
    try {
      const results = await Promise.allSettled(
        (Object.entries(profiles) as [ProfileType, Buffer][]).map(async ([type, pprof]) => {
          try {
            await pushProfile(settings.serverAddress, name, { pprof, fromMs, untilMs }, pushTimeoutMs);
            pushed.add(1, { 'profile.type': type });
          } catch (error) {
            dropped.add(1, { 'profile.type': type });
            throw error;
          }
        }),
      );
      const failure = results.find((result) => result.status === 'rejected');
      if (failure && !failing) {
        failing = true;
        const reason = failure.reason instanceof Error ? failure.reason.message : String(failure.reason);
        log.warn({ pyroscope: settings.serverAddress, reason }, 'Pyroscope does not take profiles; dropping them (counted in app.profiles.dropped) until it does');
      } else if (!failure && failing) {
        failing = false;
        log.info({ pyroscope: settings.serverAddress }, 'Pyroscope takes profiles again');
      }
    } finally {
      pushing = false;
    }
  }

  const timer = setInterval(() => void flush().catch(() => undefined), settings.flushIntervalMs);
  timer.unref();

  running = {
    collect,
    stop() {
      clearInterval(timer);
      useSpanContextRunner(undefined);
      if (time.isStarted()) time.stop(false);
      heap.stop();
      running = undefined;
      onProfilingStop(undefined);
    },
  };
  onProfilingStop(running.stop);
  return running;
}

