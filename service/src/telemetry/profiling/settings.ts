import { hostname } from 'node:os';
import type { Config } from '../../config';

/** What the continuous profiler needs, read from PYROSCOPE_* (and the OpenTelemetry service identity). */
export interface ProfilingSettings {
  readonly serverAddress: string;
  /** Pyroscope's `service_name`. */
  readonly serviceName: string;
  /** The replica, as the metrics name it (`service.instance.id`); the host name when none is set. */
  readonly replica: string;
  readonly flushIntervalMs: number;
  readonly wallIntervalMicros: number;
  readonly collectCpuTime: boolean;
  readonly heapIntervalBytes: number;
  readonly heapStackDepth: number;
}

/** `key=value,...` as OTEL_RESOURCE_ATTRIBUTES spells it (values percent-encoded). */
function resourceAttribute(attributes: string | undefined, key: string): string | undefined {
  for (const pair of (attributes ?? '').split(',')) {
    const at = pair.indexOf('=');
    if (at > 0 && pair.slice(0, at).trim() === key) {
      const value = pair.slice(at + 1).trim();
      // A stray `%` is not worth a crash at start-up: the value is then taken as written.
      try {
        return decodeURIComponent(value);
      } catch {
        return value;
      }
    }
  }
  return undefined;
}

/** The profiler's settings, or undefined when no server is set: profiling off. */
export function profilingSettings(config: Config, environment: NodeJS.ProcessEnv = process.env): ProfilingSettings | undefined {
  if (!config.PYROSCOPE_SERVER_ADDRESS) return undefined;
  const attributes = environment.OTEL_RESOURCE_ATTRIBUTES;
  return {
    serverAddress: config.PYROSCOPE_SERVER_ADDRESS,
    serviceName: config.PYROSCOPE_APPLICATION_NAME ?? config.OTEL_SERVICE_NAME ?? resourceAttribute(attributes, 'service.name') ?? 'shop-api',
    replica: resourceAttribute(attributes, 'service.instance.id') ?? hostname(),
    flushIntervalMs: config.PYROSCOPE_FLUSH_INTERVAL_MS,
    wallIntervalMicros: config.PYROSCOPE_WALL_SAMPLING_INTERVAL_MICROS,
    collectCpuTime: config.PYROSCOPE_WALL_COLLECT_CPU_TIME,
    heapIntervalBytes: config.PYROSCOPE_HEAP_SAMPLING_INTERVAL_BYTES,
    heapStackDepth: config.PYROSCOPE_HEAP_STACK_DEPTH,
  };
}
