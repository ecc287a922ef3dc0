/**
 * Head sampling keeps a share of traces (`traceSamplePercent`, decided at the edge and followed by every
 * span below it), so Tempo's span metrics and service graph would count that share of the traffic. The
 * Collector stamps the share on every span's resource under this key, and Tempo's metrics generator
 * multiplies each span by its inverse (`span_multiplier_key`), so request rates from traces stay true.
 * Tempo reads the value only as a double. A static ratio cannot tell the traces a client forced (its own
 * sampled `traceparent`, like the k6 smoke's three requests) from the edge's share: those count 1/ratio
 * times too, a short blip below 100%.
 */
export const traceSampleRatioAttribute = 'lab.trace.sample_ratio';

/** An OTTL float literal: `1` would be an int, which Tempo ignores. */
export function ottlFloat(value: number): string {
  if (!Number.isFinite(value)) throw new Error(`not a finite number: ${value}`);
  return Number.isInteger(value) ? value.toFixed(1) : String(value);
}
