import type { ExportResult } from '@opentelemetry/core';
import { convertLegacyHttpOptions, createOtlpHttpExportDelegate } from '@opentelemetry/otlp-exporter-base/node-http';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { SpanBatch } from './span-batch';

/** Where encoded batches go. */
export interface SpanBatchExporter {
  export(batch: SpanBatch, done: (result: ExportResult) => void): void;
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
}

/**
 * OTLP over HTTP with protobuf, through the SDK's own export delegate: the endpoint, headers, timeout,
 * compression and TLS come from the standard `OTEL_EXPORTER_OTLP_*` variables as for the SDK's
 * OTLPTraceExporter, with its retries (429, 502 to 504, Retry-After), its bound on concurrent exports, its
 * partial-success handling and its `otel.sdk.exporter.*` component type. Only the serialiser differs: the
 * batch is already encoded.
 */
export function createOtlpHttpSpanBatchExporter(): SpanBatchExporter {
  const options = convertLegacyHttpOptions({}, 'TRACES', 'v1/traces', { 'Content-Type': 'application/x-protobuf' });
  const delegate = createOtlpHttpExportDelegate<SpanBatch, unknown>(
    options,
    {
      serializeRequest: (batch) => batch.toRequest(),
      deserializeResponse: (data) => ProtobufTraceSerializer.deserializeResponse(data),
    },
    'otlp_http_span_exporter',
    { name: 'span', countItems: (batch) => batch.spanCount },
    undefined,
  );
  return {
    export: (batch, done) => delegate.export(batch, done),
    forceFlush: () => delegate.forceFlush(),
    shutdown: () => delegate.shutdown(),
  };
}
