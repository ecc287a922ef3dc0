import { randomHex } from './random.ts';

/** A W3C trace context the script chose, so it can look the trace up afterwards. */
export interface TraceContext {
  /** 32 lowercase hex characters. */
  readonly traceId: string;
  /** 16 lowercase hex characters: the span id of our (virtual) client span, the service span's parent. */
  readonly spanId: string;
  /** `traceparent` header value, sampled flag set so a parent-based sampler keeps the trace. */
  readonly traceparent: string;
}

/** All-zero ids are invalid in W3C trace context; random ids are never zero in practice, but make sure. */
function nonZeroHex(bytes: number): string {
  for (;;) {
    const hex = randomHex(bytes);
    if (/[^0]/.test(hex)) return hex;
  }
}

export function newTraceContext(): TraceContext {
  const traceId = nonZeroHex(16);
  const spanId = nonZeroHex(8);
  return { traceId, spanId, traceparent: `00-${traceId}-${spanId}-01` };
}
