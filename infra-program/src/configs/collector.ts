import { collectorPrometheusReaderOptions, type CollectorPrometheusReaderOptions } from '@lab/dashboards';
import { bindAll, hostPort, httpUrl, type Endpoint } from '../endpoint';
import { ottlFloat, traceSampleRatioAttribute } from './sampling';

/** The subset of the OpenTelemetry Collector (contrib 0.161) config schema this platform writes. */
export interface CollectorConfig {
  receivers: { otlp: { protocols: { grpc: { endpoint: string }; http: { endpoint: string } } } };
  processors: {
    memory_limiter: MemoryLimiter;
    /** Basic style (0.120 and later): the OTTL context is inferred from each statement's path prefix. */
    transform: { error_mode: 'ignore' | 'silent' | 'propagate'; trace_statements: string[] };
  };
  exporters: Record<string, { endpoint: string; tls?: { insecure: boolean }; sending_queue: ExporterQueue }>;
  extensions: { health_check: { endpoint: string } };
  service: {
    extensions: string[];
    pipelines: Record<'traces' | 'metrics' | 'logs', { receivers: string[]; processors: string[]; exporters: string[] }>;
    telemetry: {
      logs: { level: string };
      metrics: {
        level: string;
        readers: { pull: { exporter: { prometheus: { host: string; port: number } & CollectorPrometheusReaderOptions } } }[];
      };
    };
  };
}

/** internal/memorylimiter/config.go at v0.159.0: absolute limits in MiB. */
export interface MemoryLimiter {
  check_interval: string;
  limit_mib: number;
  spike_limit_mib: number;
}

/**
 * The limiter's limits as shares of the container's hard limit: it refuses data above 80% (the hard limit)
 * and starts forcing GC at 60% (hard minus spike), leaving the rest to the Go runtime's overhead above the
 * heap it measures, so the container is not OOM-killed first. In MiB rather than percent: a percentage
 * reads the cgroup limit, and the host's memory when there is none, which the limit's absence would hide.
 */
export function memoryLimiterFor(containerMemoryMib: number): MemoryLimiter {
  if (!Number.isInteger(containerMemoryMib) || containerMemoryMib < 64) {
    throw new Error(`the Collector needs a container memory limit of at least 64 MiB (got ${containerMemoryMib})`);
  }
  return {
    check_interval: '1s',
    limit_mib: Math.floor(containerMemoryMib * 0.8),
    spike_limit_mib: Math.floor(containerMemoryMib * 0.2),
  };
}

/** Exporter-side queue with batching (exporterhelper), which propagates back-pressure to the receivers. */
export interface ExporterQueue {
  enabled: boolean;
  batch: Record<string, never>;
}

export const collectorPorts = { otlpGrpc: 4317, otlpHttp: 4318, selfMetrics: 8888, health: 13133 } as const;

export interface CollectorDestinations {
  /** Tempo's OTLP gRPC receiver. */
  readonly tempoOtlpGrpc: Endpoint;
  /** Loki's HTTP endpoint; logs go to its native OTLP route `/otlp` (the old `loki` exporter is gone). */
  readonly lokiHttp: Endpoint;
  /** Base URL of Prometheus's OTLP receiver (`/api/v1/otlp`); the exporter appends `/v1/metrics`. */
  readonly prometheusOtlpBaseUrl: string;
}

/**
 * OTLP in (gRPC and HTTP, bound on every interface: the receivers default to localhost), the memory
 * limiter first, on traces a transform that stamps the head-sampling ratio for Tempo's span metrics
 * (see configs/sampling.ts), and batching in each exporter's sending queue: the project is
 * deprecating the batch processor in favour of exporter batching (which, unlike the processor, passes
 * back-pressure on). Exporter names use the snake_case ids (`otlp_grpc`, `otlp_http`) the Collector
 * adopted in 0.144; the old ones are deprecated.
 */
export function collectorConfig(to: CollectorDestinations, traceSampleRatio: number, containerMemoryMib: number): CollectorConfig {
  const processors = ['memory_limiter'];
  const sending_queue: ExporterQueue = { enabled: true, batch: {} };
  return {
    receivers: {
      otlp: {
        protocols: {
          grpc: { endpoint: bindAll(collectorPorts.otlpGrpc) },
          http: { endpoint: bindAll(collectorPorts.otlpHttp) },
        },
      },
    },
    processors: {
      memory_limiter: memoryLimiterFor(containerMemoryMib),
      // `ignore` (the default, spelled out): a failing statement is logged and the spans go on, where
      // `propagate` would drop them.
      transform: {
        error_mode: 'ignore',
        trace_statements: [`set(resource.attributes["${traceSampleRatioAttribute}"], ${ottlFloat(traceSampleRatio)})`],
      },
    },
    exporters: {
      'otlp_grpc/tempo': { endpoint: hostPort(to.tempoOtlpGrpc), tls: { insecure: true }, sending_queue },
      // otlp_http appends /v1/logs and /v1/metrics to these base URLs.
      'otlp_http/loki': { endpoint: httpUrl(to.lokiHttp, '/otlp'), sending_queue },
      'otlp_http/prometheus': { endpoint: to.prometheusOtlpBaseUrl, sending_queue },
    },
    extensions: { health_check: { endpoint: bindAll(collectorPorts.health) } },
    service: {
      extensions: ['health_check'],
      pipelines: {
        traces: { receivers: ['otlp'], processors: [...processors, 'transform'], exporters: ['otlp_grpc/tempo'] },
        metrics: { receivers: ['otlp'], processors, exporters: ['otlp_http/prometheus'] },
        logs: { receivers: ['otlp'], processors, exporters: ['otlp_http/loki'] },
      },
      telemetry: {
        logs: { level: 'info' },
        // The Collector's own metrics (accepted, refused, dropped), pulled by Prometheus. The reader's
        // naming options are the ones @lab/dashboards queries by (see its metrics/known/otel-collector.ts):
        // left unset, they all default to true and the counters lose their `_total`.
        metrics: {
          level: 'detailed',
          readers: [
            {
              pull: {
                exporter: {
                  prometheus: { host: '0.0.0.0', port: collectorPorts.selfMetrics, ...collectorPrometheusReaderOptions },
                },
              },
            },
          ],
        },
      },
    },
  };
}
