import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { ProtoWriter, WireType } from './proto-writer';
import { encodeResource, encodeScope, encodeSpan, type EncodableResource, type EncodableScope } from './span-encoding';

/** Room for a scope's first spans; a writer doubles when it is short. */
const initialScopeCapacity = 16 * 1024;

/**
 * Spans of one resource, each encoded when it is added, grouped by instrumentation scope in the order the
 * scopes first appear (the grouping the SDK's serialiser makes of a batch). What is kept per span is its
 * bytes, not the span: the span object dies young, with its request.
 */
export class SpanBatch {
  private readonly scopes = new Map<EncodableScope, ProtoWriter>();
  private spans = 0;

  constructor(readonly resource: EncodableResource & ResourceSettling) {}

  get spanCount(): number {
    return this.spans;
  }

  /**
   * Encodes the span into its scope's bytes; a span that cannot be encoded (a link without a context, a
   * malformed id) leaves them as they were and throws, so it costs only itself, not its batch.
   */
  add(span: ReadableSpan): void {
    const scope = span.instrumentationScope;
    let writer = this.scopes.get(scope);
    if (!writer) {
      writer = new ProtoWriter(initialScopeCapacity);
      this.scopes.set(scope, writer);
    }
    const before = writer.pos;
    try {
      encodeSpan(writer, span, 2);
    } catch (error) {
      writer.pos = before;
      throw error;
    }
    this.spans++;
  }

  /** The `ExportTraceServiceRequest` of the batch: the resource, then each scope with its spans' bytes. */
  toRequest(): Uint8Array {
    let spanBytes = 0;
    for (const writer of this.scopes.values()) spanBytes += writer.pos;
    const request = new ProtoWriter(spanBytes + 4096);
    request.key(1, WireType.LengthDelimited);
    const resourceSpans = request.begin();
    encodeResource(request, this.resource, 1);
    for (const [scope, spans] of this.scopes) {
      request.key(2, WireType.LengthDelimited);
      const scopeSpans = request.begin();
      encodeScope(request, scope, 1);
      request.raw(spans.view());
      if (scope.schemaUrl) {
        request.key(3, WireType.LengthDelimited);
        request.string(scope.schemaUrl);
      }
      request.end(scopeSpans);
    }
    if (this.resource.schemaUrl) {
      request.key(3, WireType.LengthDelimited);
      request.string(this.resource.schemaUrl);
    }
    request.end(resourceSpans);
    return request.view();
  }
}

/** A resource whose detectors may still be running (the SDK's Resource). */
export interface ResourceSettling {
  readonly asyncAttributesPending?: boolean;
  waitForAsyncAttributes?(): Promise<void>;
}
