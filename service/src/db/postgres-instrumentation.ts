import diagnostics from 'node:diagnostics_channel';
import { context, metrics, SpanKind, SpanStatusCode, trace, type Attributes, type Histogram, type Span } from '@opentelemetry/api';
import { isTracingSuppressed } from '@opentelemetry/core';
import { serviceMetrics } from '../telemetry/metric-names';
import { codeOf } from './errors';
import { summarizeSql, type SqlSummary } from './sql-summary';

/**
 * OpenTelemetry for the `postgres` driver (4.x), read from the `postgres:query` tracing channel it publishes
 * (porsager/postgres #1171): no wrapper around the client. Each statement becomes a CLIENT span, child of the
 * context that sent it (the driver publishes `start` in that async context), with the stable database semantic
 * conventions; its duration feeds `db.client.operation.duration`.
 */

const scope = '@lab/service/postgres-instrumentation';
const maxQueryTextLength = 4096;
const durationBuckets = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** The fields of the channel's context object this module reads (README "Tracing" of postgres 4.2.0). */
interface QueryMessage {
  readonly query: string | null;
  readonly database?: string;
  readonly host: string | null;
  readonly port: number | null;
  readonly count: number | null;
  readonly queued: number;
  readonly complete: number | null;
  readonly error?: unknown;
}

interface Observed {
  readonly span: Span | undefined;
  readonly metricAttributes: Attributes;
}

const tracer = () => trace.getTracer(scope);

let operationDuration: Histogram | undefined;
const durationHistogram = () =>
  (operationDuration ??= metrics.getMeter(scope).createHistogram(serviceMetrics.dbClientOperationDuration.name, {
    description: 'Duration of database client operations',
    unit: serviceMetrics.dbClientOperationDuration.unit,
    advice: { explicitBucketBoundaries: durationBuckets },
  }));

function errorType(error: unknown): string {
  return codeOf(error) ?? (error instanceof Error ? error.name : 'unknown');
}

const spanName = (summary: SqlSummary) =>
  summary.operation ? (summary.collection ? `${summary.operation} ${summary.collection}` : summary.operation) : 'postgresql';

function observe(message: QueryMessage): Observed {
  const text = message.query ?? '';
  const summary = summarizeSql(text);
  const metricAttributes: Attributes = {
    'db.system.name': 'postgresql',
    'db.namespace': message.database,
    'db.operation.name': summary.operation,
    'db.collection.name': summary.collection,
  };
  // Like the ioredis instrumentation: a statement outside any trace (start-up, background work) gets no span of
  // its own, only its sample in the duration histogram.
  const parent = context.active();
  const span = trace.getSpan(parent)
    ? tracer().startSpan(
        spanName(summary),
        {
          kind: SpanKind.CLIENT,
          attributes: {
            ...metricAttributes,
            'db.query.text': text.length > maxQueryTextLength ? `${text.slice(0, maxQueryTextLength)}…` : text,
          },
        },
        parent,
      )
    : undefined;
  return { span, metricAttributes };
}

function settle(message: QueryMessage, observed: Observed) {
  const { span, metricAttributes } = observed;
  const seconds = ((message.complete ?? performance.now()) - message.queued) / 1000;
  // The connection is known once the statement was sent; a statement refused before that has none.
  if (message.host) span?.setAttribute('server.address', message.host);
  if (typeof message.port === 'number') span?.setAttribute('server.port', message.port);
  if (message.error === undefined) {
    if (typeof message.count === 'number') span?.setAttribute('db.response.returned_rows', message.count);
    durationHistogram().record(seconds, metricAttributes);
    span?.end();
    return;
  }
  const error = message.error;
  const type = errorType(error);
  durationHistogram().record(seconds, { ...metricAttributes, 'error.type': type });
  if (!span) return;
  span.setAttribute('error.type', type);
  if (/^[0-9A-Z]{5}$/.test(type)) span.setAttribute('db.response.status_code', type);
  if (error instanceof Error) span.recordException(error);
  span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
  span.end();
}

/**
 * Subscribes to every `postgres` client of the process. A statement sent with tracing suppressed (the breaker's
 * probe: db/client.ts) is left out, from the spans and from the histogram. Returns the unsubscribe.
 */
export function instrumentPostgresQueries(): () => void {
  const channel = diagnostics.tracingChannel<string, QueryMessage & object>('postgres:query');
  const observed = new WeakMap<object, Observed>();
  const handlers = {
    start(message: QueryMessage & object) {
      if (!isTracingSuppressed(context.active())) observed.set(message, observe(message));
    },
    end() {},
    asyncStart() {},
    error() {},
    asyncEnd(message: QueryMessage & object) {
      const seen = observed.get(message);
      if (!seen) return;
      observed.delete(message);
      settle(message, seen);
    },
  };
  channel.subscribe(handlers);
  return () => channel.unsubscribe(handlers);
}
