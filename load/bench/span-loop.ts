/**
 * `node --import tsx bench/span-loop.ts [--stage spans|batch|serialize] [--requests 100000]`
 * The SDK's cost for the cached read's two spans in a tight loop, without the service: W3C extract of an edge
 * traceparent, a SERVER span with the attributes server-telemetry.ts sets, a CLIENT child as the ioredis
 * instrumentation makes it, ended into a BatchSpanProcessor with the SDK's defaults (512 per export) whose exporter serialises each batch with
 * the OTLP protobuf serialiser (`serialize`), drops it (`batch`), or no processor at all (`spans`). Prints the
 * CPU per request. It loads the SDK of the checkout it runs in: to A/B an SDK patch, run it in both checkouts,
 * alternating, on a quiet machine (issue 13; load/BENCHMARKS.md as of commit 0a89f23).
 */
import { context, defaultTextMapGetter, propagation, SpanKind, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { BatchSpanProcessor, TracerProvider, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace';
import { randomBytes } from 'node:crypto';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { runMain } from './cli.ts';

const stages = ['spans', 'batch', 'serialize'] as const;
type Stage = (typeof stages)[number];

function exporterFor(stage: Stage, tally: { spans: number; bytes: number }): SpanExporter {
  return {
    export(spans: ReadableSpan[], done) {
      if (stage === 'serialize') tally.bytes += ProtobufTraceSerializer.serializeRequest(spans)?.length ?? 0;
      tally.spans += spans.length;
      done({ code: 0 });
    },
    shutdown: async () => undefined,
  };
}

function cachedRead(tracer: ReturnType<TracerProvider['getTracer']>, redisTracer: ReturnType<TracerProvider['getTracer']>): void {
  const ids = randomBytes(24).toString('hex');
  const headers = { traceparent: `00-${ids.slice(0, 32)}-${ids.slice(32)}-01`, 'user-agent': 'autocannon', host: '127.0.0.1:3000' };
  const parent = propagation.extract(context.active(), headers, defaultTextMapGetter);
  const server = tracer.startSpan('GET', { kind: SpanKind.SERVER, attributes: { 'http.request.method': 'GET' } }, parent);
  context.with(trace.setSpan(parent, server), () => {
    redisTracer
      .startSpan('get', {
        kind: SpanKind.CLIENT,
        attributes: { 'db.operation.name': 'get', 'db.system.name': 'redis', 'db.query.text': 'get item:42', 'server.address': '127.0.0.1', 'server.port': 6379 },
      })
      .end();
  });
  server.updateName('GET /api/items/:id');
  server.setAttributes({
    'http.route': '/api/items/:id',
    'http.response.status_code': 200,
    'url.path': '/api/items/42',
    'url.scheme': 'http',
    'server.address': '127.0.0.1',
    'server.port': 3000,
    'user_agent.original': headers['user-agent'],
    'network.peer.address': '127.0.0.1',
  });
  server.end();
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { stage: { type: 'string' }, requests: { type: 'string' } } });
  const stage = (values.stage ?? 'serialize') as Stage;
  if (!stages.includes(stage)) throw new Error(`--stage must be one of ${stages.join(', ')}`);
  const requests = Number(values.requests ?? 100_000);
  if (!(requests > 0)) throw new Error('--requests must be a positive number');
  const tally = { spans: 0, bytes: 0 };
  const provider = new TracerProvider({
    spanProcessors: stage === 'spans' ? [] : [new BatchSpanProcessor({ exporter: exporterFor(stage, tally) })],
  });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  trace.setGlobalTracerProvider(provider);
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  const tracer = trace.getTracer('@lab/service/http');
  const redisTracer = trace.getTracer('@opentelemetry/instrumentation-ioredis');
  // The batch processor exports from the event loop: let it run every 100 requests, as requests would.
  const run = async (n: number) => {
    for (let i = 0; i < n; i++) {
      cachedRead(tracer, redisTracer);
      if (i % 100 === 99) await yieldToLoop();
    }
  };
  await run(20_000); // warm-up: JIT and the serialiser's size estimate
  const spansBefore = tally.spans;
  const before = process.cpuUsage();
  await run(requests);
  const used = process.cpuUsage(before);
  const exported = tally.spans - spansBefore;
  process.stdout.write(
    `${stage}: ${((used.user + used.system) / requests).toFixed(2)} µs CPU per request` +
      (stage === 'spans' ? '\n' : `, ${(exported / requests).toFixed(2)} spans exported per request${stage === 'serialize' ? `, ${(tally.bytes / Math.max(1, tally.spans)).toFixed(0)} bytes per span` : ''}\n`),
  );
  await provider.shutdown();
}

runMain(module, main);
