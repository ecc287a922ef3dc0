import type { SpanProcessor } from '@opentelemetry/sdk-trace';
import type { Config } from '../config';
import { EncodeOnEndSpanProcessor, type SpanBatchingOptions } from './otlp/encode-on-end-processor';
import { createOtlpHttpSpanBatchExporter } from './otlp/span-batch-exporter';

type SpanPipelineConfig = Pick<
  Config,
  | 'SPAN_PIPELINE'
  | 'OTEL_TRACES_EXPORTER'
  | 'OTEL_EXPORTER_OTLP_PROTOCOL'
  | 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL'
  | 'OTEL_BSP_SCHEDULE_DELAY'
  | 'OTEL_BSP_EXPORT_TIMEOUT'
  | 'OTEL_BSP_MAX_QUEUE_SIZE'
  | 'OTEL_BSP_MAX_EXPORT_BATCH_SIZE'
>;

/**
 * Spans per export request when they are encoded on end: the SDK's own default. An export costs about 200 µs
 * of CPU whatever its size (the SDK's OTLP HTTP delegate to a local sink: 212 µs for 1 kB, 227 µs for 40 kB),
 * so fewer, larger requests are cheaper per span, and encoding on end leaves no batch serialisation to pause a
 * request (load/BENCHMARKS.md).
 */
export const encodedSpanBatchSize = 512;

/**
 * Spans per export with the SDK's BatchSpanProcessor, which serialises a full batch synchronously inside the
 * `span.end()` that fills it, on some request's path: 128 instead of 512 keeps that pause short (on the cached
 * read the median p99 of three rounds went from 26 ms to 16 ms at the same CPU per request).
 */
export const sdkSpanBatchSize = 128;

/** The `OTEL_BSP_*` settings, with the SDK's defaults. */
export function spanBatchingOptions(config: SpanPipelineConfig): SpanBatchingOptions {
  return {
    maxQueueSize: config.OTEL_BSP_MAX_QUEUE_SIZE ?? 2048,
    maxExportBatchSize: config.OTEL_BSP_MAX_EXPORT_BATCH_SIZE ?? encodedSpanBatchSize,
    scheduledDelayMillis: config.OTEL_BSP_SCHEDULE_DELAY ?? 5000,
    exportTimeoutMillis: config.OTEL_BSP_EXPORT_TIMEOUT ?? 30_000,
  };
}

/**
 * The span processors to give the SDK, or undefined to let it build its own from the `OTEL_*` variables.
 * Spans are encoded when they end whenever the traces go to one OTLP exporter over http/protobuf (the SDK's
 * default protocol, and the lab's); any other exporter or protocol, or `SPAN_PIPELINE=sdk-batch`, keeps the
 * SDK's BatchSpanProcessor.
 */
export function spanProcessorsFor(config: SpanPipelineConfig): SpanProcessor[] | undefined {
  if (config.SPAN_PIPELINE !== 'encode-on-end') return undefined;
  if ((config.OTEL_TRACES_EXPORTER ?? 'otlp') !== 'otlp') return undefined;
  const protocol = config.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? config.OTEL_EXPORTER_OTLP_PROTOCOL ?? 'http/protobuf';
  if (protocol !== 'http/protobuf') return undefined;
  return [new EncodeOnEndSpanProcessor(createOtlpHttpSpanBatchExporter(), spanBatchingOptions(config))];
}
