import type { Span } from '@opentelemetry/api';

/**
 * The span attribute Grafana's Tempo datasource reads for "Profiles for this span": its value is the span id
 * the profiler's samples carry as their `span_id` label (grafana-tempo-datasource src/resultTransformer.ts,
 * `spanSelector: ['${__span.tags["pyroscope.profile.id"]}']`).
 */
export const profileIdAttribute = 'pyroscope.profile.id';

/** The pprof sample label Pyroscope keeps per span (pkg/pprof/pprof.go `SpanIDLabelName` at v2.2.1). */
export const spanIdLabel = 'span_id';

/** Runs `work` so that every wall sample taken while it (and what it awaits) runs carries `spanId`. */
export type SpanContextRunner = <T>(spanId: string, work: () => T) => T;

let runner: SpanContextRunner | undefined;

/** Set by the profiler while it runs; cleared when it stops. */
export function useSpanContextRunner(next: SpanContextRunner | undefined): void {
  runner = next;
}

/**
 * Runs `work` under a sampled local root span (a request's SERVER span, a background task's span): the
 * profiler labels its samples with the span's id and the span says so in `pyroscope.profile.id`. Child
 * spans run inside it, so they share the root's profile, as Pyroscope's own span profilers do. With the
 * profiler off, or the span not recorded, `work` just runs.
 */
export function withSpanProfile<T>(span: Span | undefined, work: () => T): T {
  if (!runner || !span?.isRecording()) return work();
  const spanId = span.spanContext().spanId;
  span.setAttribute(profileIdAttribute, spanId);
  return runner(spanId, work);
}
