import { context, metrics, SpanKind, SpanStatusCode, trace, type Attributes, type Context, type Histogram } from '@opentelemetry/api';
import type postgres from 'postgres';
import { serviceMetrics } from '../telemetry/metric-names';
import { codeOf } from './errors';
import { summarizeSql } from './sql-summary';

/**
 * OpenTelemetry instrumentation for the `postgres` driver, applied to one client instance.
 *
 * No maintained instrumentation covers this driver (and drizzle's postgres-js session calls `sql.unsafe`,
 * which the one wrapper on npm misses), so this wraps the three entry points drizzle and the app use:
 * `unsafe`, tagged templates, and `begin`/`savepoint` (whose callbacks get an instrumented transaction client).
 * Each statement becomes a CLIENT span, child of the context active when the statement was created, with the
 * stable database semantic conventions; its duration feeds `db.client.operation.duration`.
 */

const scope = '@lab/service/postgres-instrumentation';
const maxQueryTextLength = 4096;
const durationBuckets = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

type PendingQuery = postgres.PendingQuery<postgres.Row[]> & { handle(): Promise<void>; executed: boolean };
type AnySql = postgres.Sql<Record<string, unknown>> | postgres.TransactionSql<Record<string, unknown>>;

interface ConnectionAttributes {
  readonly [key: string]: string | number | undefined;
}

function connectionAttributes(options: postgres.Sql['options']): ConnectionAttributes {
  const host = Array.isArray(options.host) ? options.host[0] : options.host;
  const port = Array.isArray(options.port) ? options.port[0] : options.port;
  return {
    'db.system.name': 'postgresql',
    'db.namespace': options.database,
    'server.address': host,
    'server.port': typeof port === 'number' ? port : undefined,
  };
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

function traceQuery(query: PendingQuery, text: string, parent: Context, base: ConnectionAttributes): PendingQuery {
  const summary = summarizeSql(text);
  const originalHandle = query.handle;
  // postgres.js sends a statement on its first then/catch/finally/execute, all of which go through handle():
  // the span starts there, so modifiers like `.values()` called before awaiting are not disturbed.
  query.handle = function tracedHandle(this: PendingQuery) {
    if (!this.executed) observe(this, text, summary, parent, base);
    return originalHandle.call(this);
  };
  return query;
}

function observe(query: PendingQuery, text: string, summary: ReturnType<typeof summarizeSql>, parent: Context, base: ConnectionAttributes) {
  const metricAttributes: Attributes = {
    'db.system.name': 'postgresql',
    'db.namespace': base['db.namespace'],
    'db.operation.name': summary.operation,
    'db.collection.name': summary.collection,
  };
  const name = summary.operation
    ? summary.collection ? `${summary.operation} ${summary.collection}` : summary.operation
    : 'postgresql';
  // Like the ioredis instrumentation: a statement outside any trace (health probes, start-up) gets no span
  // of its own, only its sample in the duration histogram.
  const span = trace.getSpan(parent) ? tracer().startSpan(
    name,
    {
      kind: SpanKind.CLIENT,
      attributes: {
        ...base,
        'db.operation.name': summary.operation,
        'db.collection.name': summary.collection,
        'db.query.text': text.length > maxQueryTextLength ? `${text.slice(0, maxQueryTextLength)}…` : text,
      },
    },
    parent,
  ) : undefined;
  const started = performance.now();
  // Promise.prototype.then, not query.then: observing must not trigger handle() a second time.
  Promise.prototype.then.call(
    query,
    (result: { count?: number | null }) => {
      if (typeof result?.count === 'number') span?.setAttribute('db.response.returned_rows', result.count);
      durationHistogram().record((performance.now() - started) / 1000, metricAttributes);
      span?.end();
    },
    (error: unknown) => {
      const type = errorType(error);
      durationHistogram().record((performance.now() - started) / 1000, { ...metricAttributes, 'error.type': type });
      if (!span) return;
      span.setAttribute('error.type', type);
      if (/^[0-9A-Z]{5}$/.test(type)) span.setAttribute('db.response.status_code', type);
      if (error instanceof Error) span.recordException(error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
      span.end();
    },
  );
}

/** Text of a tagged-template statement as the server sees it: `$1`, `$2` in place of each interpolation. */
const templateText = (strings: TemplateStringsArray) =>
  strings.reduce((text, part, index) => (index === 0 ? part : `${text}$${index}${part}`), '');

function instrumentClient<T extends AnySql>(sql: T, base: ConnectionAttributes): T {
  return new Proxy(sql, {
    apply(target, thisArg, args: unknown[]) {
      const result = Reflect.apply(target as (...a: unknown[]) => unknown, thisArg, args);
      const strings = args[0];
      const isStatement = Array.isArray(strings) && 'raw' in strings && result instanceof Promise;
      return isStatement ? traceQuery(result as PendingQuery, templateText(strings as unknown as TemplateStringsArray), context.active(), base) : result;
    },
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (property === 'unsafe') {
        return (text: string, ...rest: unknown[]) =>
          traceQuery((value as (...a: unknown[]) => PendingQuery).call(target, text, ...rest), text, context.active(), base);
      }
      if (property === 'begin' || property === 'savepoint') {
        return (...args: unknown[]) => {
          const parent = context.active();
          const callback = args.pop() as (tx: AnySql) => unknown;
          // The callback may run once a pooled connection frees up, in another request's async context:
          // bind it to the context of the caller so its statements nest under the right request.
          const traced = (tx: AnySql) => context.with(parent, () => callback(instrumentClient(tx, base)));
          return (value as (...a: unknown[]) => unknown).call(target, ...args, traced);
        };
      }
      return value;
    },
  });
}

export function instrumentPostgres<T extends postgres.Sql<Record<string, unknown>>>(sql: T): T {
  return instrumentClient(sql, connectionAttributes(sql.options));
}
