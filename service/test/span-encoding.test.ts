/**
 * Spans encoded when they end (src/telemetry/otlp) must be the telemetry the SDK would have sent: the same
 * request bytes as the SDK's own protobuf serialiser for every kind of span field, and, through the
 * processor, the batch span processor's contract (batch size, delay, queue bound, flush, shutdown) on the
 * wire to a real OTLP receiver.
 */
import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { context, diag, DiagLogLevel, SpanKind, SpanStatusCode, trace, TraceFlags, type Attributes, type DiagLogger } from '@opentelemetry/api';
import { setGlobalErrorHandler, TraceState } from '@opentelemetry/core';
import {
  InMemorySpanExporter,
  SamplingDecision,
  SimpleSpanProcessor,
  TracerProvider,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { ProtoWriter } from '../src/telemetry/otlp/proto-writer';
import { SpanBatch } from '../src/telemetry/otlp/span-batch';
import { EncodeOnEndSpanProcessor, type SpanBatchingOptions } from '../src/telemetry/otlp/encode-on-end-processor';
import { createOtlpHttpSpanBatchExporter, type SpanBatchExporter } from '../src/telemetry/otlp/span-batch-exporter';
import { spanBatchingOptions, spanProcessorsFor } from '../src/telemetry/span-pipeline';
import { loadConfig } from '../src/config';
import { OtlpReceiver } from './support/otlp-receiver';
import { otlpRequestTypes } from './support/otlp-proto';

async function recordSpans(make: (provider: TracerProvider) => void): Promise<ReadableSpan[]> {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  make(provider);
  await provider.forceFlush();
  return exporter.getFinishedSpans();
}

function encodedBySdk(spans: ReadableSpan[]): Buffer {
  return Buffer.from(ProtobufTraceSerializer.serializeRequest(spans)!);
}

function encodedOnEnd(spans: ReadableSpan[]): Buffer {
  const batch = new SpanBatch(spans[0]!.resource);
  for (const span of spans) batch.add(span);
  return Buffer.from(batch.toRequest());
}

const remoteParent = trace.setSpanContext(context.active(), {
  traceId: '0af7651916cd43dd8448eb211c80319c',
  spanId: 'b7ad6b7169203331',
  traceFlags: TraceFlags.SAMPLED,
  isRemote: true,
  traceState: new TraceState('vendor=a1b2,other=x'),
});

describe('spans encoded when they end: the same bytes as the SDK serialiser', () => {
  it('the service shapes: a SERVER span under a remote parent, its CLIENT child, events, an error status', async () => {
    const spans = await recordSpans((provider) => {
      const tracer = provider.getTracer('@lab/service/http');
      const server = tracer.startSpan('GET /api/items/:id', { kind: SpanKind.SERVER, attributes: { 'http.request.method': 'GET' } }, remoteParent);
      server.setAttributes({ 'http.route': '/api/items/:id', 'http.response.status_code': 200, 'url.path': '/api/items/42', 'server.port': 8080, 'user_agent.original': 'k6/1.4 (https://k6.io/)' });
      server.addEvent('feature_flag.evaluation', { 'feature_flag.key': 'items.latency-ms', 'feature_flag.result.variant': 'off', 'feature_flag.result.value': 0 });
      const child = provider
        .getTracer('@opentelemetry/instrumentation-ioredis', '0.72.0')
        .startSpan('get', { kind: SpanKind.CLIENT, attributes: { 'db.system.name': 'redis', 'db.query.text': 'get item:42' } }, trace.setSpan(remoteParent, server));
      child.end();
      server.recordException(new TypeError('boom'));
      server.setStatus({ code: SpanStatusCode.ERROR, message: 'upstream failed' });
      server.end();
    });
    assert.equal(spans.length, 2);
    assert.deepEqual(encodedOnEnd(spans), encodedBySdk(spans));
  });

  it('every attribute value type, non-ASCII and lone surrogates, integers past 32 bits, negatives, doubles, arrays', async () => {
    const attributes: Attributes = {
      ascii: 'plain',
      empty: '',
      accents: 'café – déjà vu',
      emoji: 'order 🧾 #7',
      loneSurrogate: 'a\ud800b',
      yes: true,
      no: false,
      zero: 0,
      small: 127,
      twoBytes: 300,
      big: 2 ** 40 + 7,
      maxSafe: Number.MAX_SAFE_INTEGER,
      negative: -1,
      veryNegative: -(2 ** 45) - 3,
      double: 0.25,
      negativeDouble: -1234.5678,
      strings: ['a', 'é', ''],
      numbers: [1, 2.5, -3],
      bools: [true, false],
      withNulls: ['x', null, 'y'] as never,
    };
    const spans = await recordSpans((provider) => provider.getTracer('t').startSpan('values', { attributes }).end());
    assert.deepEqual(encodedOnEnd(spans), encodedBySdk(spans));
  });

  it('long messages (lengths of two and three varint bytes), links with trace state, every span kind, explicit times', async () => {
    const spans = await recordSpans((provider) => {
      const tracer = provider.getTracer('kinds', '1.2.3', { schemaUrl: 'https://opentelemetry.io/schemas/1.37.0' });
      const kinds = [SpanKind.INTERNAL, SpanKind.SERVER, SpanKind.CLIENT, SpanKind.PRODUCER, SpanKind.CONSUMER];
      for (const kind of kinds) {
        tracer
          .startSpan(`kind ${kind}`, {
            kind,
            startTime: [1_795_831_585, 123_456_789],
            links: [{ context: trace.getSpanContext(remoteParent)!, attributes: { 'link.reason': 'retry' } }, { context: { traceId: '1'.repeat(32), spanId: '2'.repeat(16), traceFlags: TraceFlags.NONE } }],
            attributes: { 'long.value': 'x'.repeat(200), 'longer.value': 'y'.repeat(20_000) },
          })
          .end([4_102_444_800, 999_999_999]);
      }
    });
    assert.equal(spans.length, 5);
    assert.deepEqual(encodedOnEnd(spans), encodedBySdk(spans));
  });

  it('spans of several scopes interleaved group by scope in first-seen order, as the SDK groups a batch', async () => {
    const spans = await recordSpans((provider) => {
      const a = provider.getTracer('scope-a');
      const b = provider.getTracer('scope-b', '2.0.0');
      for (let i = 0; i < 6; i++) (i % 3 === 0 ? b : a).startSpan(`span ${i}`).end();
    });
    assert.deepEqual(encodedOnEnd(spans), encodedBySdk(spans));
  });
});

describe('ProtoWriter', () => {
  it('writes HrTime as the exact fixed64 nanoseconds, beyond 2^53', () => {
    const times: Array<[number, number]> = [[0, 0], [1, 1], [1_795_831_585, 123_456_789], [4_102_444_800, 999_999_999], [2 ** 32, 5], [65_535, 999_999_999], [65_536, 0]];
    for (const time of times) {
      const writer = new ProtoWriter(4);
      writer.hrTime(time);
      const expected = Buffer.alloc(8);
      expected.writeBigUInt64LE(BigInt(time[0]) * 1_000_000_000n + BigInt(time[1]));
      assert.deepEqual(Buffer.from(writer.view()), expected, `time ${time.join(',')}`);
    }
  });

  it('writes negative integers as ten-byte two\'s complement varints and grows past its capacity', () => {
    const writer = new ProtoWriter(1);
    writer.varint(-1);
    assert.deepEqual([...writer.view()], [255, 255, 255, 255, 255, 255, 255, 255, 255, 1]);
    writer.reset();
    writer.varint(2 ** 35);
    assert.deepEqual([...writer.view()], [128, 128, 128, 128, 128, 1]);
  });
});

interface DiagLine {
  readonly level: 'warn' | 'error' | 'debug';
  readonly message: string;
}

function captureDiag(): DiagLine[] {
  const lines: DiagLine[] = [];
  const logger: DiagLogger = {
    error: (message) => lines.push({ level: 'error', message }),
    warn: (message) => lines.push({ level: 'warn', message }),
    info: () => undefined,
    debug: (message) => lines.push({ level: 'debug', message }),
    verbose: () => undefined,
  };
  diag.setLogger(logger, { logLevel: DiagLogLevel.DEBUG, suppressOverrideMessage: true });
  return lines;
}

const options = (overrides: Partial<SpanBatchingOptions> = {}): SpanBatchingOptions => ({
  maxQueueSize: 2048,
  maxExportBatchSize: 128,
  scheduledDelayMillis: 5000,
  exportTimeoutMillis: 30_000,
  ...overrides,
});

describe('EncodeOnEndSpanProcessor over OTLP/HTTP to a real receiver', () => {
  let receiver: OtlpReceiver;
  const savedEndpoint = process.env.OTEL_EXPORTER_OTLP_ENDPOINT;

  beforeEach(async () => {
    receiver = await new OtlpReceiver().start();
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = receiver.endpoint;
  });
  afterEach(async () => {
    if (savedEndpoint === undefined) delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
    else process.env.OTEL_EXPORTER_OTLP_ENDPOINT = savedEndpoint;
    diag.disable();
    await receiver.stop();
  });

  function providerWith(processor: EncodeOnEndSpanProcessor): TracerProvider {
    return new TracerProvider({ spanProcessors: [processor] });
  }

  it('sends a full batch as soon as it fills, one request per batch, and the rest on forceFlush', async () => {
    const processor = new EncodeOnEndSpanProcessor(createOtlpHttpSpanBatchExporter(), options({ maxExportBatchSize: 3 }));
    const tracer = providerWith(processor).getTracer('batches');
    for (let i = 0; i < 7; i++) tracer.startSpan(`span ${i}`, { attributes: { index: i } }).end();
    await receiver.waitFor('the two full batches', () => receiver.spans.length >= 6, 5000);
    assert.equal(receiver.spans.length, 6, 'the seventh span waits for its batch');
    await processor.forceFlush();
    assert.deepEqual(receiver.spans.map((span) => span.name), [0, 1, 2, 3, 4, 5, 6].map((i) => `span ${i}`));
    assert.equal(receiver.requests.filter((request) => request.signal === 'traces').length, 3);
    assert.equal(receiver.spans[3]!.attributes.index, 3);
    assert.equal(receiver.spans[0]!.resource['telemetry.sdk.language'], 'nodejs', 'the provider\'s resource');
    await processor.shutdown();
  });

  it('sends a partial batch after the schedule delay without a flush', async () => {
    const processor = new EncodeOnEndSpanProcessor(createOtlpHttpSpanBatchExporter(), options({ scheduledDelayMillis: 50 }));
    providerWith(processor).getTracer('delay').startSpan('alone').end();
    await receiver.waitFor('the delayed batch', () => receiver.spans.length === 1, 3000);
    await processor.shutdown();
  });

  it('drops spans beyond the queue while an export is stuck, and says how many once one fits again', async () => {
    const lines = captureDiag();
    const pending: Array<() => void> = [];
    const stuck: SpanBatchExporter = {
      export: (_batch, done) => pending.push(() => done({ code: 0 })),
      forceFlush: async () => undefined,
      shutdown: async () => undefined,
    };
    const processor = new EncodeOnEndSpanProcessor(stuck, options({ maxQueueSize: 4, maxExportBatchSize: 2 }));
    const tracer = providerWith(processor).getTracer('queue');
    // 2 go out (in flight, no longer queued), 4 fill the queue, 3 are dropped.
    for (let i = 0; i < 9; i++) tracer.startSpan(`span ${i}`).end();
    assert.equal(pending.length, 1, 'one export at a time');
    pending.shift()!();
    await new Promise((resolve) => setImmediate(resolve));
    tracer.startSpan('after the drop').end();
    assert.ok(lines.some((line) => line.level === 'warn' && line.message === 'Dropped 3 spans because maxQueueSize reached'), JSON.stringify(lines));
  });

  it('ignores spans that are recorded but not sampled, and every span after shutdown', async () => {
    const processor = new EncodeOnEndSpanProcessor(createOtlpHttpSpanBatchExporter(), options());
    const provider = new TracerProvider({
      sampler: (() => {
        let decisions = 0;
        return { shouldSample: () => ({ decision: decisions++ % 3 === 0 ? SamplingDecision.RECORD : SamplingDecision.RECORD_AND_SAMPLED }), toString: () => 'every third recorded only' };
      })(),
      spanProcessors: [processor],
    });
    const tracer = provider.getTracer('sampling');
    let recordedOnly = 0;
    for (let i = 0; i < 40; i++) {
      const span = tracer.startSpan(`span ${i}`);
      if ((span.spanContext().traceFlags & TraceFlags.SAMPLED) === 0) recordedOnly++;
      span.end();
    }
    assert.equal(recordedOnly, 14, 'every third span was recorded only');
    await processor.shutdown();
    tracer.startSpan('too late').end();
    await processor.forceFlush();
    assert.equal(receiver.spans.length, 40 - recordedOnly);
    assert.ok(!receiver.spans.some((span) => span.name === 'too late'));
  });
});

describe('EncodeOnEndSpanProcessor when things go wrong', () => {
  const errors: unknown[] = [];
  beforeEach(() => {
    errors.length = 0;
    setGlobalErrorHandler((error) => errors.push(error));
  });
  afterEach(() => setGlobalErrorHandler(() => undefined));

  function recordingExporter(exportMillis: number) {
    const batches: number[] = [];
    const exporter: SpanBatchExporter = {
      export: (batch, done) => {
        batches.push(batch.spanCount);
        setTimeout(() => done({ code: 0 }), exportMillis);
      },
      forceFlush: async () => undefined,
      shutdown: async () => undefined,
    };
    return { exporter, batches };
  }

  it('forceFlush settles under steady load once the spans ended before it are out', async () => {
    const { exporter, batches } = recordingExporter(20);
    const processor = new EncodeOnEndSpanProcessor(exporter, options({ maxExportBatchSize: 4 }));
    const tracer = new TracerProvider({ spanProcessors: [processor] }).getTracer('steady');
    let ending = true;
    const load = (async () => {
      while (ending) {
        for (let i = 0; i < 4; i++) tracer.startSpan('steady').end();
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const flushed = await Promise.race([processor.forceFlush().then(() => true), new Promise((resolve) => setTimeout(() => resolve(false), 2000))]);
    ending = false;
    await load;
    assert.equal(flushed, true, `forceFlush still pending after 2 s with ${batches.length} batches exported`);
  });

  it('a span that cannot be encoded is reported and lost alone: end() does not throw, its batch still decodes', async () => {
    const requests: Uint8Array[] = [];
    const exporter: SpanBatchExporter = {
      export: (batch, done) => {
        requests.push(batch.toRequest().slice());
        done({ code: 0 });
      },
      forceFlush: async () => undefined,
      shutdown: async () => undefined,
    };
    const processor = new EncodeOnEndSpanProcessor(exporter, options());
    const tracer = new TracerProvider({ spanProcessors: [processor] }).getTracer('broken');
    tracer.startSpan('before').end();
    const broken = tracer.startSpan('broken');
    // An id of odd length cannot be written as bytes.
    broken.addLink({ context: { traceId: 'abc', spanId: '0123456789abcdef', traceFlags: 1 } });
    assert.doesNotThrow(() => broken.end());
    tracer.startSpan('after').end();
    await processor.forceFlush();
    assert.equal(requests.length, 1);
    const decoded = otlpRequestTypes.traces.toObject(otlpRequestTypes.traces.decode(requests[0]!)) as { resourceSpans: Array<{ scopeSpans: Array<{ spans: Array<{ name: string }> }> }> };
    assert.deepEqual(decoded.resourceSpans[0]!.scopeSpans[0]!.spans.map((span) => span.name), ['before', 'after']);
    assert.ok(errors.some((error) => error instanceof RangeError), String(errors));
  });

  it('a batch whose only span could not be encoded sends no request', async () => {
    let exports = 0;
    const exporter: SpanBatchExporter = { export: (_batch, done) => (exports++, done({ code: 0 })), forceFlush: async () => undefined, shutdown: async () => undefined };
    const processor = new EncodeOnEndSpanProcessor(exporter, options());
    const broken = new TracerProvider({ spanProcessors: [processor] }).getTracer('broken').startSpan('alone');
    broken.addLink({ context: { traceId: 'abc', spanId: '0123456789abcdef', traceFlags: 1 } });
    broken.end();
    await processor.forceFlush();
    assert.equal(exports, 0);
  });

  it('an export whose resource never settles times out instead of blocking every later batch', async () => {
    const { exporter, batches } = recordingExporter(0);
    const processor = new EncodeOnEndSpanProcessor(exporter, options({ exportTimeoutMillis: 100 }));
    const [span] = await recordSpans((provider) => provider.getTracer('t').startSpan('waits for its resource').end());
    const stuckResource = { attributes: {}, asyncAttributesPending: true, waitForAsyncAttributes: () => new Promise<void>(() => undefined) };
    processor.onEnd(Object.create(span!, { resource: { value: stuckResource } }) as ReadableSpan);
    const flushed = await Promise.race([processor.forceFlush().then(() => true), new Promise((resolve) => setTimeout(() => resolve(false), 2000))]);
    assert.equal(flushed, true, 'forceFlush waited on the resource past the export timeout');
    assert.deepEqual(batches, [], 'nothing was sent without its resource');
    assert.ok(errors.some((error) => error instanceof Error && error.message === 'Timeout'), String(errors));
  });
});

describe('the span pipeline the service chooses', () => {
  const base = { SPAN_PIPELINE: 'encode-on-end' as const };

  it('encodes on end for OTLP over http/protobuf, the default protocol', () => {
    assert.ok(spanProcessorsFor(base)?.[0] instanceof EncodeOnEndSpanProcessor);
    assert.ok(spanProcessorsFor({ ...base, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf', OTEL_TRACES_EXPORTER: 'otlp' })?.[0] instanceof EncodeOnEndSpanProcessor);
  });

  it('batches 512 spans per export unless OTEL_BSP_MAX_EXPORT_BATCH_SIZE says otherwise, with the SDK\'s other defaults', () => {
    assert.deepEqual(spanBatchingOptions(base), { maxQueueSize: 2048, maxExportBatchSize: 512, scheduledDelayMillis: 5000, exportTimeoutMillis: 30_000 });
    assert.equal(spanBatchingOptions({ ...base, OTEL_BSP_MAX_EXPORT_BATCH_SIZE: 128 }).maxExportBatchSize, 128);
  });

  it('is what the service\'s configuration gives with nothing but the required variables set', () => {
    const config = loadConfig({ DATABASE_URL: 'postgres://u:p@127.0.0.1:5432/shop', REDIS_URL: 'redis://127.0.0.1:6379/0' });
    assert.ok(spanProcessorsFor(config)?.[0] instanceof EncodeOnEndSpanProcessor);
  });

  it('leaves other protocols, other exporters and SPAN_PIPELINE=sdk-batch to the SDK', () => {
    assert.equal(spanProcessorsFor({ ...base, OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }), undefined);
    assert.equal(spanProcessorsFor({ ...base, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf', OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json' }), undefined);
    assert.equal(spanProcessorsFor({ ...base, OTEL_TRACES_EXPORTER: 'console' }), undefined);
    assert.equal(spanProcessorsFor({ ...base, OTEL_TRACES_EXPORTER: 'otlp,console' }), undefined);
    assert.equal(spanProcessorsFor({ SPAN_PIPELINE: 'sdk-batch' }), undefined);
  });
});
