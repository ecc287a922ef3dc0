import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { runtimeMetrics, serviceMetrics } from '../src/telemetry/metric-names';
import { OtlpGrpcReceiver } from './support/otlp-grpc-receiver';
import { OtlpReceiver, type ReceivedSpan } from './support/otlp-receiver';
import type { TestServer } from './support/servers';
import { jsonRequest, newTraceparent, startService, type RunningService } from './support/service-process';
import { startServiceStack, type ServiceStack } from './support/stack';

const SERVER = 2;
const CLIENT = 3;
const ERROR = 2;

let stack: ServiceStack;
let postgres: TestServer;
let redis: TestServer;
let receiver: OtlpReceiver;
let service: RunningService;

before(async () => {
  receiver = await new OtlpReceiver().start();
  stack = await startServiceStack({ otlpEndpoint: receiver.endpoint });
  ({ postgres, redis, service } = stack);
});

after(async () => {
  await stack?.dispose();
  await receiver?.stop();
});

/** Sends a request under a trace id the test chose, the way a traced client or the edge proxy would. */
async function tracedRequest(path: string, init: RequestInit = {}) {
  const { traceparent, traceId } = newTraceparent();
  const response = await service.fetch(path, { ...init, headers: { ...(init.headers as Record<string, string>), traceparent } });
  return { response, traceId };
}

const serverSpan = (spans: ReceivedSpan[]) => spans.find((span) => span.kind === SERVER);

function isDescendant(span: ReceivedSpan, ancestor: ReceivedSpan, spans: ReceivedSpan[]): boolean {
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  for (let current: ReceivedSpan | undefined = span; current; current = byId.get(current.parentSpanId)) {
    if (current.parentSpanId === ancestor.spanId) return true;
  }
  return false;
}

describe('traces', () => {
  it('continues the incoming traceparent with a SERVER span named by route, and SQL CLIENT spans as its children', async () => {
    const created = await tracedRequest('/api/items', jsonRequest('POST', { name: 'traced', priceCents: 10, stock: 1 }));
    assert.equal(created.response.status, 201);
    const spans = await receiver.waitFor('the create request trace', () => {
      const trace = receiver.trace(created.traceId);
      return trace.some((s) => s.kind === SERVER) && trace.some((s) => s.kind === CLIENT) ? trace : undefined;
    });
    const server = serverSpan(spans)!;
    assert.equal(server.name, 'POST /api/items');
    assert.equal(server.attributes['http.route'], '/api/items');
    assert.equal(server.attributes['http.request.method'], 'POST');
    assert.equal(server.attributes['http.response.status_code'], 201);
    assert.equal(server.attributes['url.path'], '/api/items');

    const sql = spans.filter((s) => s.kind === CLIENT && s.attributes['db.system.name'] === 'postgresql');
    assert.ok(sql.length >= 1, 'no SQL span');
    for (const statement of sql) {
      assert.equal(statement.parentSpanId, server.spanId, `${statement.name} is not a child of the server span`);
      assert.equal(statement.name, 'INSERT items');
      assert.equal(statement.attributes['db.operation.name'], 'INSERT');
      assert.equal(statement.attributes['db.collection.name'], 'items');
      const text = String(statement.attributes['db.query.text']);
      assert.match(text, /insert into "items"/i);
      assert.match(text, /\$1/, 'query text is not parameterised');
      assert.doesNotMatch(text, /traced/, 'a parameter value leaked into db.query.text');
    }
  });

  it('names item reads by route and shows the Redis commands of the read-through cache', async () => {
    const item = (await (await service.fetch('/api/items', jsonRequest('POST', { name: 'cached', priceCents: 1, stock: 1 }))).json()) as { id: number };
    const miss = await tracedRequest(`/api/items/${item.id}`);
    const hit = await tracedRequest(`/api/items/${item.id}`);
    assert.equal(miss.response.status, 200);
    assert.equal(hit.response.status, 200);

    const missSpans = await receiver.waitFor('the cache-miss trace', () => {
      const trace = receiver.trace(miss.traceId);
      return trace.filter((s) => s.kind === CLIENT).length >= 3 && serverSpan(trace) ? trace : undefined;
    });
    const server = serverSpan(missSpans)!;
    assert.equal(server.name, 'GET /api/items/:id');
    assert.equal(server.attributes['http.route'], '/api/items/:id');
    const redisCommands = missSpans.filter((s) => s.attributes['db.system'] === 'redis' || s.attributes['db.system.name'] === 'redis');
    const commands = redisCommands.map((s) => s.name);
    assert.ok(commands.includes('get'), JSON.stringify(commands));
    // The guarded fill is a Lua script: EVALSHA, or EVAL when Redis does not have it cached yet.
    assert.ok(commands.some((name) => name === 'evalsha' || name === 'eval'), JSON.stringify(commands));
    assert.ok(redisCommands.every((s) => s.parentSpanId === server.spanId));
    assert.ok(missSpans.some((s) => s.name === 'SELECT items' && s.parentSpanId === server.spanId));

    const hitSpans = await receiver.waitFor('the cache-hit trace', () => {
      const trace = receiver.trace(hit.traceId);
      return serverSpan(trace) && trace.some((s) => s.kind === CLIENT) ? trace : undefined;
    });
    assert.deepEqual(hitSpans.filter((s) => s.kind === CLIENT).map((s) => s.name), ['get'], 'a cache hit must not reach Postgres');
  });

  it('keeps the SQL spans of an order transaction under the request span', async () => {
    const item = (await (await service.fetch('/api/items', jsonRequest('POST', { name: 'ordered', priceCents: 5, stock: 3 }))).json()) as { id: number };
    const order = await tracedRequest('/api/orders', jsonRequest('POST', { itemId: item.id, quantity: 1 }, { 'idempotency-key': `trace-${item.id}` }));
    assert.equal(order.response.status, 201);
    const spans = await receiver.waitFor('the order trace', () => {
      const trace = receiver.trace(order.traceId);
      return serverSpan(trace) && trace.some((s) => s.name === 'INSERT orders') ? trace : undefined;
    });
    const server = serverSpan(spans)!;
    for (const name of ['SELECT orders', 'UPDATE items', 'INSERT orders']) {
      const span = spans.find((s) => s.name === name);
      assert.ok(span, `${name} span missing`);
      assert.ok(isDescendant(span, server, spans), `${name} is not under the request span`);
    }
  });

  it('marks a failing request ERROR with an exception event', async () => {
    const failed = await tracedRequest('/simulate/error?rate=1');
    assert.equal(failed.response.status, 500);
    const server = await receiver.waitFor('the failing request span', () => serverSpan(receiver.trace(failed.traceId)));
    assert.equal(server.status.code, ERROR);
    assert.equal(server.attributes['http.response.status_code'], 500);
    const exception = server.events.find((e) => e.name === 'exception');
    assert.ok(exception, 'no exception event');
    assert.equal(exception.attributes['exception.type'], 'SimulatedFailure');
  });

  it('links the background task span to the request that started it', async () => {
    const started = await tracedRequest('/simulate/heavy-task', jsonRequest('POST', { workMs: 50 }));
    assert.equal(started.response.status, 202);
    const { taskId } = (await started.response.json()) as { taskId: string };
    const requestSpan = await receiver.waitFor('the heavy-task request span', () => serverSpan(receiver.trace(started.traceId)));
    const taskSpan = await receiver.waitFor('the task span', () =>
      receiver.spans.find((s) => s.name === 'heavy-task run' && s.attributes['task.id'] === taskId),
    );
    assert.notEqual(taskSpan.traceId, started.traceId, 'the task should run in its own trace');
    assert.deepEqual(taskSpan.links, [{ traceId: started.traceId, spanId: requestSpan.spanId }]);
  });
});

describe('a request whose trace the sampler dropped', () => {
  it('exports no span for it, and its log lines carry no trace id Tempo would never have', async () => {
    const item = (await (await service.fetch('/api/items', jsonRequest('POST', { name: 'unsampled', priceCents: 1, stock: 1 }))).json()) as { id: number };
    const traceId = newTraceparent().traceId;
    // The edge decided not to sample (flags 00); the service's parent-based sampler follows it.
    const response = await service.fetch(`/api/items/${item.id}`, { headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-00` } });
    assert.equal(response.status, 200);
    // A sampled request sent afterwards is exported after anything the first one could have produced.
    const marker = await tracedRequest(`/api/items/${item.id}`);
    await receiver.waitFor('the sampled request after it', () => (serverSpan(receiver.trace(marker.traceId)) ? true : undefined));
    assert.deepEqual(receiver.trace(traceId), []);
    const accessLines = service.logLines.filter((line) => line.msg === 'request' && line['url.path'] === `/api/items/${item.id}`);
    assert.equal(accessLines.length, 2, JSON.stringify(accessLines));
    assert.deepEqual(accessLines.map((line) => line.trace_id), [undefined, marker.traceId]);
  });

  it('is still traced when the sampler ignores the parent (always_on)', async () => {
    const alwaysOn = await startService({ databaseUrl: postgres.url, redisUrl: redis.url, otlpEndpoint: receiver.endpoint, extra: { OTEL_TRACES_SAMPLER: 'always_on' } });
    try {
      const traceId = newTraceparent().traceId;
      const response = await alwaysOn.fetch('/api/items?limit=1', { headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-00` } });
      assert.equal(response.status, 200);
      const spans = await receiver.waitFor('the request traced despite the unsampled parent', () => {
        const trace = receiver.trace(traceId);
        return serverSpan(trace) && trace.some((s) => s.kind === CLIENT) ? trace : undefined;
      });
      assert.equal(serverSpan(spans)!.parentSpanId, '00f067aa0ba902b7');
    } finally {
      await alwaysOn.stop();
    }
  });
});

describe('server span conventions', () => {
  it('names an unmatched request by method only and leaves 4xx spans without an exception', async () => {
    const missing = await tracedRequest('/no/such/route');
    assert.equal(missing.response.status, 404);
    const missingSpan = await receiver.waitFor('the 404 span', () => serverSpan(receiver.trace(missing.traceId)));
    assert.equal(missingSpan.name, 'GET');
    assert.equal(missingSpan.attributes['http.route'], undefined);
    assert.equal(missingSpan.status.code, 0);

    const invalid = await tracedRequest('/api/items', jsonRequest('POST', { name: '' }));
    assert.equal(invalid.response.status, 422);
    const invalidSpan = await receiver.waitFor('the 422 span', () => serverSpan(receiver.trace(invalid.traceId)));
    assert.equal(invalidSpan.name, 'POST /api/items');
    assert.deepEqual(invalidSpan.events, []);
    assert.equal(invalidSpan.status.code, 0);
    assert.equal(invalidSpan.attributes['url.scheme'], 'http');
    assert.equal(typeof invalidSpan.attributes['server.port'], 'number');
  });

  it('puts error.type on the duration of failed requests', async () => {
    await service.fetch('/simulate/error?rate=1');
    const point = await receiver.waitFor('a 500 duration point', () =>
      receiver.metrics
        .filter((m) => m.name === serviceMetrics.httpServerRequestDuration.name)
        .flatMap((m) => m.dataPoints)
        .find((p) => p.attributes['http.route'] === '/simulate/error' && p.attributes['http.response.status_code'] === 500),
    );
    assert.equal(point.attributes['error.type'], 'SimulatedFailure');
    assert.equal(point.attributes['url.scheme'], 'http');
  });
});

describe('logs', () => {
  it('writes JSON access lines with the trace id on stdout and exports the same records over OTLP', async () => {
    const { response, traceId } = await tracedRequest('/api/items?limit=1');
    assert.equal(response.status, 200);
    const stdoutLine = await receiver.waitFor('the access line on stdout', () =>
      service.logLines.find((line) => line.trace_id === traceId && line.msg === 'request'),
    );
    assert.equal(stdoutLine['http.route'], '/api/items');
    assert.match(String(stdoutLine.span_id), /^[0-9a-f]{16}$/);
    const exported = await receiver.waitFor('the access line as an OTLP log record', () =>
      receiver.logs.find((record) => record.traceId === traceId && record.body === 'request'),
    );
    assert.equal(exported.resource['service.name'], 'shop-api');
    assert.equal(exported.severityText, 'info');
  });

  it('puts the trace id on every line written inside a request', async () => {
    const before = service.logLines.length;
    const { traceId } = await tracedRequest('/simulate/error?rate=1');
    // Select the request's lines by what they say, not by trace id, so a line missing the id is caught.
    const lines = await receiver.waitFor('the error line and the access line', () => {
      const found = service.logLines.slice(before).filter(
        (line) => String(line.msg).includes('simulated failure') || (line.msg === 'request failed' && String(line['url.path']) === '/simulate/error'),
      );
      return found.length >= 2 ? found : undefined;
    });
    for (const line of lines) {
      assert.equal(line.trace_id, traceId, `line without the request's trace id: ${JSON.stringify(line)}`);
      assert.match(String(line.span_id), /^[0-9a-f]{16}$/);
    }
  });
});

describe('metrics', () => {
  it('exports the request duration histogram by route, method and status', async () => {
    await service.fetch('/api/items?limit=2');
    const point = await receiver.waitFor('http.server.request.duration for /api/items', () =>
      receiver.metrics
        .filter((m) => m.name === serviceMetrics.httpServerRequestDuration.name)
        .flatMap((m) => m.dataPoints.map((p) => ({ metric: m, point: p })))
        .find(({ point: p }) => p.attributes['http.route'] === '/api/items' && p.attributes['http.request.method'] === 'GET'),
    );
    assert.equal(point.metric.type, 'histogram');
    assert.equal(point.metric.unit, 's');
    assert.equal(point.point.attributes['http.response.status_code'], 200);
    assert.equal(point.metric.resource['service.name'], 'shop-api');
  });

  it('exports every metric the dashboards rely on, with the declared unit and kind', async () => {
    // Exercise the code paths behind each instrument once.
    const item = (await (await service.fetch('/api/items', jsonRequest('POST', { name: 'm', priceCents: 1, stock: 5 }))).json()) as { id: number };
    await service.fetch(`/api/items/${item.id}`); // a miss, which fills the cache
    await service.fetch(`/api/items/${item.id}`); // a hit
    await service.fetch('/api/orders', jsonRequest('POST', { itemId: item.id, quantity: 1 }, { 'idempotency-key': `metrics-${item.id}` }));
    await service.fetch('/simulate/heavy-task', jsonRequest('POST', { workMs: 20 }));
    // Flag evaluations are counted only with a flag provider, which this stack has not: feature-flags.test.ts
    // checks that metric's unit and kind.
    const withoutFlagProvider = Object.values(serviceMetrics).filter((spec) => spec !== serviceMetrics.featureFlagEvaluations);
    for (const spec of [...withoutFlagProvider, ...Object.values(runtimeMetrics)]) {
      const metric = await receiver.waitFor(`metric ${spec.name}`, () => receiver.metrics.find((m) => m.name === spec.name), 20_000);
      assert.equal(metric.unit, spec.unit, `${spec.name} unit`);
      // The dashboards derive Prometheus names from the kind (`_total` for counters, `_bucket` for histograms).
      const received = metric.type === 'sum' ? (metric.monotonic ? 'counter' : 'updowncounter') : metric.type;
      assert.equal(received, spec.kind, `${spec.name} kind`);
    }
    const lookups = () => receiver.metrics.filter((m) => m.name === serviceMetrics.cacheLookups.name).flatMap((m) => m.dataPoints);
    for (const result of ['hit', 'miss']) {
      await receiver.waitFor(`a cache ${result}`, () => lookups().find((p) => p.attributes['cache.result'] === result && (p.value ?? 0) > 0));
    }
    // One duration series per request, not two differing only by instrumentation scope.
    const durationScopes = new Set(receiver.metrics.filter((m) => m.name === serviceMetrics.httpServerRequestDuration.name).map((m) => m.scope));
    assert.deepEqual([...durationScopes], ['@lab/service/http']);
  });
});

describe('in-flight requests', () => {
  it('counts a request while it runs and returns to zero when it ends', async () => {
    const inFlight = () =>
      receiver.metrics
        .filter((m) => m.name === serviceMetrics.httpServerActiveRequests.name)
        .flatMap((m) => m.dataPoints)
        .filter((p) => p.attributes['http.request.method'] === 'GET' && p.attributes['url.scheme'] === 'http');
    const slow = Promise.all([1, 2].map(() => service.fetch('/simulate/latency?ms=2500')));
    const seen = receiver.metrics.length;
    await receiver.waitFor('two GET requests in flight', () => (inFlight().some((p) => p.value === 2) ? true : undefined), 10_000);
    for (const response of await slow) assert.equal(response.status, 200);
    await receiver.waitFor('no GET request in flight', () => (receiver.metrics.length > seen && inFlight().at(-1)?.value === 0 ? true : undefined), 10_000);
  });
});

describe('export protocol', () => {
  it('exports http/protobuf by default', () => {
    assert.ok(receiver.requests.length > 0);
    assert.ok(receiver.requests.every((r) => r.contentType === 'application/x-protobuf'), JSON.stringify([...new Set(receiver.requests.map((r) => r.contentType))]));
    assert.deepEqual(new Set(receiver.requests.map((r) => r.signal)), new Set(['traces', 'metrics', 'logs']));
  });

  it('exports http/json when OTEL_EXPORTER_OTLP_PROTOCOL says so', async () => {
    const jsonReceiver = await new OtlpReceiver().start();
    const jsonService = await startService({
      databaseUrl: postgres.url,
      redisUrl: redis.url,
      otlpEndpoint: jsonReceiver.endpoint,
      extra: { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' },
    });
    try {
      const { traceparent, traceId } = newTraceparent();
      assert.equal((await jsonService.fetch('/api/items?limit=1', { headers: { traceparent } })).status, 200);
      const server = await jsonReceiver.waitFor('a span sent as JSON', () => serverSpan(jsonReceiver.trace(traceId)));
      assert.equal(server.attributes['http.route'], '/api/items');
      assert.ok(jsonReceiver.requests.every((r) => r.contentType === 'application/json'));
    } finally {
      await jsonService.stop();
      await jsonReceiver.stop();
    }
  });

  it('exports over gRPC when OTEL_EXPORTER_OTLP_PROTOCOL is grpc', async () => {
    const grpcReceiver = await new OtlpGrpcReceiver().start();
    const grpcService = await startService({
      databaseUrl: postgres.url,
      redisUrl: redis.url,
      otlpEndpoint: grpcReceiver.endpoint,
      extra: { OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' },
    });
    try {
      const { traceparent, traceId } = newTraceparent();
      assert.equal((await grpcService.fetch('/api/items?limit=1', { headers: { traceparent } })).status, 200);
      const server = await grpcReceiver.waitFor('a span sent over gRPC', () => serverSpan(grpcReceiver.trace(traceId)));
      assert.equal(server.attributes['http.route'], '/api/items');
      await grpcReceiver.waitFor('a log record sent over gRPC', () => grpcReceiver.logs.find((record) => record.traceId === traceId));
      await grpcReceiver.waitFor('metrics sent over gRPC', () => grpcReceiver.metrics.length > 0);
    } finally {
      await grpcService.stop();
      await grpcReceiver.stop();
    }
  });
});

describe('health probes', () => {
  it('answer without a trace, an access line or a request-metric sample', async () => {
    const { traceparent, traceId } = newTraceparent();
    assert.equal((await service.fetch('/health/ready', { headers: { traceparent } })).status, 200);
    // Give the exporters time to flush anything the probe might have produced.
    await service.fetch('/api/items?limit=1');
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    assert.deepEqual(receiver.trace(traceId), []);
    assert.equal(receiver.spans.filter((s) => s.attributes['db.query.text'] === 'select 1').length, 0, 'probe SQL must not make root spans');
    assert.ok(!service.logLines.some((line) => line['url.path'] === '/health/ready'));
    const routes = receiver.metrics
      .filter((m) => m.name === serviceMetrics.httpServerRequestDuration.name)
      .flatMap((m) => m.dataPoints.map((p) => p.attributes['http.route']));
    assert.ok(!routes.some((route) => String(route).startsWith('/health')));
  });
});

describe('the span pipeline (the SDK\'s BatchSpanProcessor, configured by OTEL_BSP_* as the SDK reads them)', () => {
  it('sends what its batch still holds when the process is stopped', async () => {
    const held = await startService({
      databaseUrl: postgres.url,
      redisUrl: redis.url,
      otlpEndpoint: receiver.endpoint,
      // Nothing leaves before the shutdown: the batch neither fills nor times out.
      extra: { OTEL_BSP_SCHEDULE_DELAY: '600000', OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '1000' },
    });
    try {
      const traceIds: string[] = [];
      for (let i = 0; i < 3; i++) {
        const { traceparent, traceId } = newTraceparent();
        assert.equal((await held.fetch('/api/items?limit=1', { headers: { traceparent } })).status, 200);
        traceIds.push(traceId);
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
      assert.deepEqual(traceIds.flatMap((id) => receiver.trace(id)), [], 'spans left before the batch was due');
      assert.equal(await held.stop(), 0);
      for (const traceId of traceIds) {
        const server = serverSpan(receiver.trace(traceId));
        assert.equal(server?.name, 'GET /api/items', `trace ${traceId} lost at shutdown`);
      }
    } finally {
      await held.stop();
    }
  });

  it('exports a batch as soon as OTEL_BSP_MAX_EXPORT_BATCH_SIZE spans have ended, long before the delay', async () => {
    const small = await startService({
      databaseUrl: postgres.url,
      redisUrl: redis.url,
      otlpEndpoint: receiver.endpoint,
      extra: { OTEL_BSP_SCHEDULE_DELAY: '600000', OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '2' },
    });
    try {
      const { traceparent, traceId } = newTraceparent();
      // A list page makes a SERVER span and at least one SQL span: a full batch of two.
      assert.equal((await small.fetch('/api/items?limit=1', { headers: { traceparent } })).status, 200);
      await receiver.waitFor('a batch of two spans sent before the ten-minute delay', () => (receiver.trace(traceId).length > 0 ? true : undefined));
    } finally {
      await small.stop();
    }
  });

  it('sends the SDK\'s own metrics (otel.sdk.span.*, otel.sdk.processor.span.*) with OTEL_NODE_EXPERIMENTAL_SDK_METRICS=true, and none without', async () => {
    const own = await new OtlpReceiver().start();
    const withSelfMetrics = await startService({
      databaseUrl: postgres.url,
      redisUrl: redis.url,
      otlpEndpoint: own.endpoint,
      extra: { OTEL_NODE_EXPERIMENTAL_SDK_METRICS: 'true', OTEL_RESOURCE_ATTRIBUTES: 'service.instance.id=self-metrics' },
    });
    try {
      const { traceparent } = newTraceparent();
      assert.equal((await withSelfMetrics.fetch('/api/items?limit=1', { headers: { traceparent } })).status, 200);
      const processed = await own.waitFor('otel.sdk.processor.span.processed from the BatchSpanProcessor', () =>
        own.metrics.find((m) => m.name === 'otel.sdk.processor.span.processed' && m.dataPoints.some((p) => (p.value ?? 0) > 0)),
      );
      assert.equal(processed.scope, '@opentelemetry/sdk-trace');
      assert.equal(processed.resource['service.instance.id'], 'self-metrics');
      await own.waitFor('otel.sdk.span.started', () => own.metrics.find((m) => m.name === 'otel.sdk.span.started'));
      await own.waitFor('otel.sdk.processor.span.queue.capacity', () => own.metrics.find((m) => m.name === 'otel.sdk.processor.span.queue.capacity'));
    } finally {
      await withSelfMetrics.stop();
      await own.stop();
    }
    // The shared service runs without the variable: its metrics have been arriving since the first test.
    assert.ok(receiver.metrics.length > 0);
    assert.deepEqual(receiver.metrics.filter((m) => m.name.startsWith('otel.sdk.')).map((m) => m.name), []);
  });
});
