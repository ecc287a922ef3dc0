import type { IncomingHttpHeaders } from 'node:http';
import {
  context,
  defaultTextMapGetter,
  metrics,
  propagation,
  SpanKind,
  SpanStatusCode,
  trace,
  TraceFlags,
  type Attributes,
  type TextMapGetter,
} from '@opentelemetry/api';
import type { HttpBindings } from '@hono/node-server';
import type { Context, MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import { httpDurationBucketBoundaries, serviceMetrics } from '../telemetry/metric-names';
import { ObservedTally } from '../telemetry/observed-tally';
import { withSpanProfile } from '../telemetry/profiling/span-profiles';

const scope = '@lab/service/http';

/** Node's own header object (lower-case keys) when served by @hono/node-server; no Headers object is built. */
function incomingHeaders(c: Context): IncomingHttpHeaders | undefined {
  return (c.env as Partial<HttpBindings> | undefined)?.incoming?.headers;
}

/** What `routePath` reports when only the app-wide middleware matched. */
const unmatched = '/*';

/** `error.type` of a failed request: the exception's class when it has a specific one, else the status code. */
function errorTypeOf(failure: unknown, status: number): string {
  return failure instanceof Error && failure.name !== 'Error' ? failure.name : String(status);
}

const webHeadersGetter: TextMapGetter<Headers> = {
  get: (carrier, key) => carrier.get(key) ?? undefined,
  keys: (carrier) => [...carrier.keys()],
};

/**
 * The SERVER span and the HTTP server metrics of every request, per the stable HTTP semantic conventions.
 *
 * Written for the hot path (it replaced @hono/otel, measured in load/BENCHMARKS.md as of commit 0a89f23): the incoming
 * `traceparent` is read from Node's header object, the route is resolved once, and the attributes that
 * only a recorded span carries are computed only when the sampler kept the span.
 *
 * A request whose trace the sampler dropped runs with no span in its context. Every sampler the SDK offers
 * gives a child the decision of its parent, so its Redis and SQL spans would be dropped too: the
 * instrumentations, which require a parent span, skip them instead of building spans nobody records, and
 * its log lines carry no trace id that Tempo will never have. When the edge already dropped the trace
 * (an incoming `traceparent` without the sampled flag) and the sampler is parent-based, the SDK is not
 * even asked: a non-recording span still costs it ID generation, attribute cleaning and its own metrics.
 */
export function serverTelemetry(options: { dropsUnsampledRemoteParents: boolean }): MiddlewareHandler {
  const tracer = trace.getTracer(scope);
  const meter = metrics.getMeter(scope);
  const duration = meter.createHistogram(serviceMetrics.httpServerRequestDuration.name, {
    description: 'Duration of HTTP server requests',
    unit: serviceMetrics.httpServerRequestDuration.unit,
    advice: { explicitBucketBoundaries: [...httpDurationBucketBoundaries] },
  });
  const active = new ObservedTally<string>(
    meter.createObservableUpDownCounter(serviceMetrics.httpServerActiveRequests.name, {
      description: 'Number of active HTTP server requests',
      unit: serviceMetrics.httpServerActiveRequests.unit,
    }),
  );

  return async (c, next) => {
    const started = performance.now();
    const method = c.req.method;
    const nodeHeaders = incomingHeaders(c);
    const parent = nodeHeaders
      ? propagation.extract(context.active(), nodeHeaders, defaultTextMapGetter)
      : propagation.extract(context.active(), c.req.raw.headers, webHeadersGetter);
    const remoteParent = trace.getSpanContext(parent);
    const droppedUpstream = options.dropsUnsampledRemoteParents && remoteParent !== undefined && (remoteParent.traceFlags & TraceFlags.SAMPLED) === 0;
    // Named by method until routing is done; renamed to `METHOD /route` below.
    const span = droppedUpstream
      ? undefined
      : tracer.startSpan(method, { kind: SpanKind.SERVER, attributes: { 'http.request.method': method } }, parent);
    const recording = span?.isRecording() === true;
    const scheme = c.req.url.startsWith('https:') ? 'https' : 'http';
    const activeKey = `${method} ${scheme}`;
    const activeAttributes = () => ({ 'http.request.method': method, 'url.scheme': scheme });
    active.add(activeKey, 1, activeAttributes);
    let thrown: unknown;
    try {
      // The request's span is this service's local root: while it runs, profile samples carry its id.
      await context.with(recording ? trace.setSpan(parent, span) : trace.deleteSpan(parent), () => withSpanProfile(recording ? span : undefined, next));
    } catch (error) {
      thrown = error;
      throw error;
    } finally {
      // The route of the handler matched last, even when a middleware answered first (an injected fault, a
      // 413). A request no route matched reports the catch-all middleware pattern: it has no http.route.
      const matchedRoute = routePath(c, -1);
      const route = matchedRoute === unmatched ? undefined : matchedRoute;
      const status = c.res.status;
      const failure = thrown ?? c.error;
      const errorType = status >= 500 ? errorTypeOf(failure, status) : undefined;
      if (recording) {
        span.updateName(route ? `${method} ${route}` : method);
        // c.req.url is the WHATWG serialisation @hono/node-server builds from the request target and Host.
        const url = new URL(c.req.url);
        const attributes: Attributes = {
          'http.route': route,
          'http.response.status_code': status,
          'url.path': url.pathname,
          'url.scheme': scheme,
          'server.address': url.hostname,
          'server.port': Number(url.port) || (scheme === 'https' ? 443 : 80),
          'user_agent.original': nodeHeaders ? nodeHeaders['user-agent'] : c.req.header('user-agent'),
          'network.peer.address': (c.env as Partial<HttpBindings> | undefined)?.incoming?.socket.remoteAddress,
        };
        if (url.search) attributes['url.query'] = url.search.slice(1);
        if (errorType) attributes['error.type'] = errorType;
        span.setAttributes(attributes);
        // Client errors (4xx) are answered on purpose: they leave the server span unset, per the conventions.
        if (status >= 500 && failure instanceof Error) span.recordException(failure);
        if (status >= 500 || thrown !== undefined) span.setStatus({ code: SpanStatusCode.ERROR });
      }
      span?.end();
      active.add(activeKey, -1, activeAttributes);
      duration.record((performance.now() - started) / 1000, {
        'http.request.method': method,
        'http.route': route,
        'http.response.status_code': status,
        'url.scheme': scheme,
        'error.type': errorType,
      });
    }
  };
}
