/** `@lab/service/span-batch`: the span batch and its exporter, for the benchmark of one export's cost. */
export type { SpanBatch } from './span-batch';
export { createOtlpHttpSpanBatchExporter } from './span-batch-exporter';
