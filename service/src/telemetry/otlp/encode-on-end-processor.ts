import { context, diag, TraceFlags } from '@opentelemetry/api';
import { ExportResultCode, globalErrorHandler, suppressTracing, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace';
import { SpanBatch } from './span-batch';
import type { SpanBatchExporter } from './span-batch-exporter';

/** The batch span processor's knobs, with the meaning of the `OTEL_BSP_*` variables. */
export interface SpanBatchingOptions {
  /** Spans waiting for export (encoded, not yet handed to the exporter) beyond which new spans are dropped. */
  readonly maxQueueSize: number;
  /** Spans per export request. */
  readonly maxExportBatchSize: number;
  /** Longest a span waits for its batch to fill. */
  readonly scheduledDelayMillis: number;
  /** Longest an export may take before the processor moves on. */
  readonly exportTimeoutMillis: number;
}

/**
 * A span processor with the batch span processor's contract (sampled spans only, bounded queue with the same
 * drop warning, batches of `maxExportBatchSize` or after `scheduledDelayMillis`, one export at a time,
 * forceFlush and shutdown) that encodes each span into its batch's protobuf bytes when the span ends,
 * instead of keeping the span until the batch is serialised.
 *
 * Why (load/BENCHMARKS.md, issue 13, cut 5): the span objects die with their request instead of waiting, with
 * their attribute maps, for the batch to fill and be serialised; no request pays for serialising a whole batch
 * inside the `span.end()` that fills it, so batches can be as large as the SDK's default (fewer exports, each
 * of which costs ~200 µs of CPU). Paired ablations measured 8 to 27 µs of CPU less per cached read than the
 * SDK's processor at the same batch size.
 */
export class EncodeOnEndSpanProcessor implements SpanProcessor {
  private open: SpanBatch | undefined;
  private readonly sealed: SpanBatch[] = [];
  private queued = 0;
  private dropped = 0;
  private exporting = false;
  private timer: NodeJS.Timeout | undefined;
  /** Batches sealed, and batches whose export has finished (they leave in the order they were sealed). */
  private sealedCount = 0;
  private finishedCount = 0;
  private flushWaiters: { readonly upTo: number; readonly resolve: () => void }[] = [];
  private shutdownPromise: Promise<void> | undefined;

  constructor(
    private readonly exporter: SpanBatchExporter,
    private readonly options: SpanBatchingOptions,
  ) {
    if (options.maxExportBatchSize > options.maxQueueSize) {
      diag.warn('EncodeOnEndSpanProcessor: maxExportBatchSize must be smaller or equal to maxQueueSize, setting maxExportBatchSize to match maxQueueSize');
      this.options = { ...options, maxExportBatchSize: options.maxQueueSize };
    }
  }

  onStart(_span: Span): void {}

  onEnd(span: ReadableSpan): void {
    if (this.shutdownPromise) return;
    if ((span.spanContext().traceFlags & TraceFlags.SAMPLED) === 0) return;
    if (this.queued >= this.options.maxQueueSize) {
      if (this.dropped === 0) diag.debug('maxQueueSize reached, dropping spans');
      this.dropped++;
      return;
    }
    if (this.dropped > 0) {
      diag.warn(`Dropped ${this.dropped} spans because maxQueueSize reached`);
      this.dropped = 0;
    }
    let batch = this.open;
    if (batch && batch.resource !== span.resource) {
      this.seal();
      batch = undefined;
    }
    batch ??= this.open = new SpanBatch(span.resource);
    try {
      batch.add(span);
    } catch (error) {
      // Like an export failure: reported, and the span lost, never thrown into the code that ended it.
      globalErrorHandler(error as Error);
      return;
    }
    this.queued++;
    if (batch.spanCount >= this.options.maxExportBatchSize) {
      this.seal();
      this.exportNext();
    } else {
      this.startTimer();
    }
  }

  forceFlush(): Promise<void> {
    if (this.shutdownPromise) return this.shutdownPromise;
    return this.flushAll();
  }

  shutdown(): Promise<void> {
    this.shutdownPromise ??= this.flushAll().then(() => this.exporter.shutdown());
    return this.shutdownPromise;
  }

  /** Exports every span ended before the call; spans ended meanwhile do not hold it up. */
  private flushAll(): Promise<void> {
    this.seal();
    const upTo = this.sealedCount;
    if (this.finishedCount >= upTo) return this.exporter.forceFlush();
    const flushed = new Promise<void>((resolve) => this.flushWaiters.push({ upTo, resolve }));
    this.exportNext();
    return flushed.then(() => this.exporter.forceFlush());
  }

  private seal(): void {
    this.clearTimer();
    if (!this.open) return;
    // A batch whose only span failed to encode has nothing to send.
    if (this.open.spanCount === 0) {
      this.open = undefined;
      return;
    }
    this.sealed.push(this.open);
    this.sealedCount++;
    this.open = undefined;
  }

  private startTimer(): void {
    if (this.timer !== undefined || this.exporting) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.seal();
      this.exportNext();
    }, this.options.scheduledDelayMillis);
    this.timer.unref();
  }

  private clearTimer(): void {
    if (this.timer === undefined) return;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private exportNext(): void {
    if (this.exporting) return;
    const batch = this.sealed.shift();
    if (!batch) {
      if (this.open) this.startTimer();
      return;
    }
    this.exporting = true;
    this.queued -= batch.spanCount;
    this.exportOne(batch).then(
      () => this.afterExport(),
      (error: unknown) => {
        globalErrorHandler(error as Error);
        this.afterExport();
      },
    );
  }

  private afterExport(): void {
    this.exporting = false;
    this.finishedCount++;
    const done = this.flushWaiters.filter((waiter) => waiter.upTo <= this.finishedCount);
    if (done.length > 0) {
      this.flushWaiters = this.flushWaiters.filter((waiter) => waiter.upTo > this.finishedCount);
      for (const waiter of done) waiter.resolve();
    }
    // A batch already full waits for no timer; a partial one gets its delay.
    if (this.sealed.length === 0 && this.open && this.open.spanCount >= this.options.maxExportBatchSize) this.seal();
    this.exportNext();
  }

  /** One batch out, bounded by the export timeout from the start: waiting for the resource counts too. */
  private exportOne(batch: SpanBatch): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      // Unreferenced: an export that is still running keeps the process up by its own socket, not by this guard.
      const timeout = setTimeout(() => reject(new Error('Timeout')), this.options.exportTimeoutMillis).unref();
      const settle = (error?: unknown) => {
        clearTimeout(timeout);
        if (error === undefined) resolve();
        else reject(error);
      };
      const done = (result: ExportResult) =>
        settle(result.code === ExportResultCode.SUCCESS ? undefined : (result.error ?? new Error('EncodeOnEndSpanProcessor: span export failed')));
      // The export's own HTTP request must not be traced (a span per export would feed itself).
      const send = () => context.with(suppressTracing(context.active()), () => this.exporter.export(batch, done));
      const resource = batch.resource;
      if (resource.asyncAttributesPending && resource.waitForAsyncAttributes) resource.waitForAsyncAttributes().then(send, settle);
      else send();
    });
  }
}
