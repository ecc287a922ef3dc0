import type { OtlpReceiver } from '@lab/service/testing';

export interface TallySnapshot {
  readonly total: number;
  readonly serverSpansByRoute: ReadonlyArray<readonly [string, number]>;
  readonly watched: ReadonlyArray<readonly [string, number]>;
}

/**
 * Counts what the OTLP receiver decodes without keeping it: the receiver stores every span, which would grow
 * the benchmark's own heap by the hundred thousand, so its owner (receiver-worker.ts) drains it every few
 * hundred milliseconds. It keeps per-trace counts only for the calibration traces it is told to watch.
 */
export class SpanTally {
  total = 0;
  /** SERVER spans by http.route. */
  readonly serverSpansByRoute = new Map<string, number>();
  private readonly watched = new Map<string, number>();

  constructor(private readonly receiver: OtlpReceiver) {}

  watch(traceIds: Iterable<string>): void {
    for (const id of traceIds) if (!this.watched.has(id)) this.watched.set(id, 0);
  }

  spansOf(traceId: string): number {
    return this.watched.get(traceId) ?? 0;
  }

  drain(): void {
    const spans = this.receiver.spans.splice(0, this.receiver.spans.length);
    this.total += spans.length;
    for (const span of spans) {
      const seen = this.watched.get(span.traceId);
      if (seen !== undefined) this.watched.set(span.traceId, seen + 1);
      if (span.kind === 2) {
        const route = String(span.attributes['http.route'] ?? '');
        this.serverSpansByRoute.set(route, (this.serverSpansByRoute.get(route) ?? 0) + 1);
      }
    }
    // Metrics and logs are not counted here; drop them so the receiver does not accumulate them either.
    this.receiver.metrics.splice(0, this.receiver.metrics.length);
    this.receiver.logs.splice(0, this.receiver.logs.length);
  }

  /** The counts as plain data, to post from the receiver's thread. */
  snapshot(): TallySnapshot {
    return { total: this.total, serverSpansByRoute: [...this.serverSpansByRoute], watched: [...this.watched] };
  }
}
