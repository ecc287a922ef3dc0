import type { Attributes, ObservableCounter, ObservableResult, ObservableUpDownCounter } from '@opentelemetry/api';

interface Entry {
  readonly attributes: Attributes;
  value: number;
}

/**
 * A running count per attribute set, kept in a plain map and reported by an observable instrument when the
 * SDK collects. A synchronous instrument hashes its attributes on every `add`; on the hot path (every
 * request) that hashing costs more than the request's own counting, while the exported series, a cumulative
 * sum per attribute set, are the same.
 */
export class ObservedTally<Key extends string> {
  private readonly entries = new Map<Key, Entry>();

  constructor(instrument: ObservableCounter | ObservableUpDownCounter) {
    instrument.addCallback((result) => this.report(result));
  }

  /** `attributes` is only called the first time `key` is seen: the key must identify the attribute set. */
  add(key: Key, delta: number, attributes: () => Attributes): void {
    const entry = this.entries.get(key);
    if (entry) entry.value += delta;
    else this.entries.set(key, { attributes: attributes(), value: delta });
  }

  private report(result: ObservableResult): void {
    for (const { value, attributes } of this.entries.values()) result.observe(value, attributes);
  }
}
