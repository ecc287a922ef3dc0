/**
 * The SDK patches in patches/ (see patches/README.md) change how spans are cleaned and serialised, not what is
 * exported: these tests pin the behaviour the shortcuts must keep (attribute limits, sampler attributes,
 * invalid values, ids and every span field on the wire, a buffer sized too small).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { context, SpanKind, SpanStatusCode, trace, type Attributes } from '@opentelemetry/api';
import {
  InMemorySpanExporter,
  SamplingDecision,
  SimpleSpanProcessor,
  TracerProvider,
  type ReadableSpan,
  type Sampler,
  type SpanLimits,
} from '@opentelemetry/sdk-trace';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { OtlpReceiver } from './support/otlp-receiver';

async function record(spanLimits: SpanLimits | undefined, make: (provider: TracerProvider) => void, sampler?: Sampler): Promise<ReadableSpan[]> {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })], ...(spanLimits ? { spanLimits } : {}), ...(sampler ? { sampler } : {}) });
  make(provider);
  await provider.forceFlush();
  const spans = exporter.getFinishedSpans();
  assert.ok(spans.length > 0, 'no span recorded');
  return spans;
}

const startAndEnd = (attributes: Attributes) => (provider: TracerProvider) =>
  provider.getTracer('t').startSpan('s', { kind: SpanKind.CLIENT, attributes }).end();

describe('ProtobufTraceSerializer (patched: ids written in place, buffer sized from the last request)', () => {
  const batch = (n: number, text: string): Promise<ReadableSpan[]> =>
    record(undefined, (provider) => {
      const tracer = provider.getTracer('@lab/service/http', '1.0.0');
      for (let i = 0; i < n; i++) {
        const server = tracer.startSpan('GET /api/items/:id', { kind: SpanKind.SERVER, attributes: { 'http.request.method': 'GET', 'url.path': `/api/items/${i}` } });
        const child = tracer.startSpan('get', { kind: SpanKind.CLIENT, attributes: { 'db.query.text': text, 'server.port': 6379 } }, trace.setSpan(context.active(), server));
        child.addEvent('exception', { 'exception.message': 'boom' });
        child.addLink({ context: server.spanContext(), attributes: { why: 'test' } });
        child.setStatus({ code: SpanStatusCode.ERROR, message: 'failed' });
        child.end();
        server.end();
      }
    });

  const decode = (bytes: Uint8Array) => {
    const receiver = new OtlpReceiver();
    receiver.ingestProtobuf('traces', bytes, 'test');
    return receiver.spans;
  };

  it('puts every span field on the wire, ids and parent ids included', async () => {
    const spans = await batch(3, 'get item:1');
    assert.equal(spans.length, 6);
    const received = decode(ProtobufTraceSerializer.serializeRequest(spans)!);
    assert.equal(received.length, spans.length);
    for (const span of spans) {
      const got = received.find((r) => r.spanId === span.spanContext().spanId);
      assert.ok(got, `span ${span.name} missing`);
      assert.equal(got.traceId, span.spanContext().traceId);
      assert.equal(got.parentSpanId, span.parentSpanContext?.spanId ?? '');
      assert.equal(got.name, span.name);
      assert.deepEqual(got.attributes, span.attributes);
      assert.deepEqual(got.events.map((e) => e.name), span.events.map((e) => e.name));
      assert.deepEqual(got.links, span.links.map((l) => ({ traceId: l.context.traceId, spanId: l.context.spanId })));
      assert.equal(got.status.code, span.status.code);
      assert.equal(got.scope, '@lab/service/http');
    }
  });

  it('serialises a request larger than the last one (the buffer grows) to the same bytes as when sized right', async () => {
    const large = await batch(150, 'x'.repeat(3000));
    const tiny = await batch(1, 'tiny');
    ProtobufTraceSerializer.serializeRequest(large); // sizes the next buffer for these spans
    const sizedRight = ProtobufTraceSerializer.serializeRequest(large)!;
    ProtobufTraceSerializer.serializeRequest(tiny); // the next estimate is far too small
    const grown = ProtobufTraceSerializer.serializeRequest(large)!;
    assert.deepEqual(Buffer.from(grown), Buffer.from(sizedRight));
    assert.equal(decode(grown).length, 300);
  });

  it('refuses an id of odd length, as the unpatched hexToBinary did', async () => {
    const [span] = await batch(1, 'x');
    const broken = Object.create(span!, { spanContext: { value: () => ({ ...span!.spanContext(), spanId: 'abc' }) } }) as ReadableSpan;
    assert.throws(() => ProtobufTraceSerializer.serializeRequest([broken]), RangeError);
  });
});
