import { createServer, type IncomingMessage, type Server } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { otlpRequestTypes, type Signal } from './otlp-proto';

/**
 * A real OTLP/HTTP receiver (POST /v1/traces, /v1/metrics, /v1/logs; protobuf or JSON; gzip or not) that
 * decodes what an exporter sends and keeps it flattened for assertions.
 */
export type Attributes = Record<string, unknown>;

export interface ReceivedSpan {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string;
  readonly name: string;
  /** OTLP enum: 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  readonly kind: number;
  readonly attributes: Attributes;
  readonly status: { code: number; message: string };
  readonly events: ReadonlyArray<{ name: string; attributes: Attributes }>;
  readonly links: ReadonlyArray<{ traceId: string; spanId: string }>;
  readonly resource: Attributes;
  readonly scope: string;
}

/**
 * One data point: a sum's or gauge's `value`; a histogram's `count`, `sum`, `explicitBounds` and `bucketCounts`
 * (per bucket, not cumulative, one more than the bounds, as OTLP carries them).
 */
export interface ReceivedDataPoint {
  readonly attributes: Attributes;
  readonly count?: number;
  readonly value?: number;
  readonly sum?: number;
  readonly explicitBounds?: readonly number[];
  readonly bucketCounts?: readonly number[];
}

export interface ReceivedMetric {
  readonly name: string;
  readonly unit: string;
  readonly type: 'gauge' | 'sum' | 'histogram' | 'exponentialHistogram' | 'summary';
  /** For a sum: a counter (true) or an up-down counter (false). */
  readonly monotonic?: boolean;
  readonly dataPoints: ReadonlyArray<ReceivedDataPoint>;
  readonly resource: Attributes;
  readonly scope: string;
}

export interface ReceivedLog {
  readonly traceId: string;
  readonly spanId: string;
  readonly severityText: string;
  readonly body: unknown;
  readonly attributes: Attributes;
  readonly resource: Attributes;
}

type Json = Record<string, any>;

const SpanKinds: Record<string, number> = {
  SPAN_KIND_INTERNAL: 1, SPAN_KIND_SERVER: 2, SPAN_KIND_CLIENT: 3, SPAN_KIND_PRODUCER: 4, SPAN_KIND_CONSUMER: 5,
};

/** Trace and span ids: base64 in protobuf's toObject, hex in OTLP/JSON; normalised to hex. */
const toHex = (value: unknown, encoding: 'base64' | 'hex') =>
  typeof value === 'string' && value.length > 0 ? (encoding === 'hex' ? value.toLowerCase() : Buffer.from(value, 'base64').toString('hex')) : '';

function anyValue(value: Json | undefined): unknown {
  if (!value) return undefined;
  if ('stringValue' in value) return value.stringValue;
  if ('boolValue' in value) return value.boolValue;
  if ('intValue' in value) return Number(value.intValue);
  if ('doubleValue' in value) return Number(value.doubleValue);
  if ('arrayValue' in value) return (value.arrayValue.values ?? []).map(anyValue);
  if ('kvlistValue' in value) return attributes(value.kvlistValue.values);
  if ('bytesValue' in value) return value.bytesValue;
  return undefined;
}

const attributes = (list: Json[] | undefined): Attributes =>
  Object.fromEntries((list ?? []).map((kv) => [kv.key, anyValue(kv.value)]));

function flattenTraces(body: Json, ids: 'base64' | 'hex'): ReceivedSpan[] {
  return (body.resourceSpans ?? []).flatMap((rs: Json) =>
    (rs.scopeSpans ?? []).flatMap((ss: Json) =>
      (ss.spans ?? []).map((span: Json): ReceivedSpan => ({
        traceId: toHex(span.traceId, ids),
        spanId: toHex(span.spanId, ids),
        parentSpanId: toHex(span.parentSpanId, ids),
        name: span.name,
        kind: typeof span.kind === 'string' ? (SpanKinds[span.kind] ?? 0) : Number(span.kind ?? 0),
        attributes: attributes(span.attributes),
        status: { code: Number(span.status?.code ?? 0), message: span.status?.message ?? '' },
        events: (span.events ?? []).map((e: Json) => ({ name: e.name, attributes: attributes(e.attributes) })),
        links: (span.links ?? []).map((l: Json) => ({ traceId: toHex(l.traceId, ids), spanId: toHex(l.spanId, ids) })),
        resource: attributes(rs.resource?.attributes),
        scope: ss.scope?.name ?? '',
      })),
    ),
  );
}

const metricTypes = ['gauge', 'sum', 'histogram', 'exponentialHistogram', 'summary'] as const;

function flattenMetrics(body: Json): ReceivedMetric[] {
  return (body.resourceMetrics ?? []).flatMap((rm: Json) =>
    (rm.scopeMetrics ?? []).flatMap((sm: Json) =>
      (sm.metrics ?? []).map((metric: Json): ReceivedMetric => {
        const type = metricTypes.find((t) => metric[t] !== undefined) ?? 'gauge';
        return {
          name: metric.name,
          unit: metric.unit ?? '',
          type,
          ...(type === 'sum' ? { monotonic: metric.sum.isMonotonic === true } : {}),
          dataPoints: (metric[type]?.dataPoints ?? []).map((p: Json) => ({
            attributes: attributes(p.attributes),
            ...(p.count !== undefined ? { count: Number(p.count) } : {}),
            ...(p.asInt !== undefined || p.asDouble !== undefined ? { value: Number(p.asInt ?? p.asDouble) } : {}),
            ...(p.sum !== undefined ? { sum: Number(p.sum) } : {}),
            ...(Array.isArray(p.explicitBounds) ? { explicitBounds: p.explicitBounds.map(Number) } : {}),
            ...(Array.isArray(p.bucketCounts) ? { bucketCounts: p.bucketCounts.map(Number) } : {}),
          })),
          resource: attributes(rm.resource?.attributes),
          scope: sm.scope?.name ?? '',
        };
      }),
    ),
  );
}

function flattenLogs(body: Json, ids: 'base64' | 'hex'): ReceivedLog[] {
  return (body.resourceLogs ?? []).flatMap((rl: Json) =>
    (rl.scopeLogs ?? []).flatMap((sl: Json) =>
      (sl.logRecords ?? []).map((record: Json): ReceivedLog => ({
        traceId: toHex(record.traceId, ids),
        spanId: toHex(record.spanId, ids),
        severityText: record.severityText ?? '',
        body: anyValue(record.body),
        attributes: attributes(record.attributes),
        resource: attributes(rl.resource?.attributes),
      })),
    ),
  );
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks);
  return request.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
}

export class OtlpReceiver {
  readonly spans: ReceivedSpan[] = [];
  readonly metrics: ReceivedMetric[] = [];
  readonly logs: ReceivedLog[] = [];
  /** Export requests by signal and encoding, to prove which protocol the exporter used. */
  readonly requests: Array<{ signal: Signal; contentType: string }> = [];
  private server?: Server;

  /**
   * `basePath`: what comes before `/v1/<signal>`, as on a backend that takes OTLP under its own route (Loki's
   * `/otlp`, Prometheus's `/api/v1/otlp`); `endpoint` then includes it.
   */
  constructor(private readonly options: { basePath?: string } = {}) {}

  get endpoint(): string {
    const address = this.server?.address();
    if (!address || typeof address !== 'object') throw new Error('receiver not started');
    return `http://127.0.0.1:${address.port}${this.options.basePath ?? ''}`;
  }

  async start(port = 0): Promise<this> {
    this.server = createServer((request, response) => {
      void this.handle(request).then(
        (status) => {
          // OTLP/HTTP answers in the request's encoding: an empty Export*ServiceResponse is an empty
          // protobuf message, or `{}` in JSON.
          const isJson = (request.headers['content-type'] ?? '').startsWith('application/json');
          response
            .writeHead(status, { 'content-type': isJson ? 'application/json' : 'application/x-protobuf' })
            .end(isJson ? '{}' : undefined);
        },
        (error: unknown) => {
          response.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ message: String(error) }));
        },
      );
    });
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    return this;
  }

  private async handle(request: IncomingMessage): Promise<number> {
    const url = request.url ?? '';
    const basePath = this.options.basePath ?? '';
    const signal = (url.startsWith(basePath) ? /^\/v1\/(traces|metrics|logs)$/.exec(url.slice(basePath.length))?.[1] : undefined) as Signal | undefined;
    if (request.method !== 'POST' || !signal) return 404;
    const contentType = (request.headers['content-type'] ?? '').split(';')[0]!.trim();
    const payload = await readBody(request);
    const isJson = contentType === 'application/json';
    if (!isJson) {
      this.ingestProtobuf(signal, payload, contentType);
      return 200;
    }
    const body: Json = JSON.parse(payload.toString('utf8'));
    this.ingest(signal, contentType, body, 'hex');
    return 200;
  }

  /** Decodes one protobuf export request (the gRPC receiver's path). */
  ingestProtobuf(signal: Signal, payload: Uint8Array, via: string): void {
    const type = otlpRequestTypes[signal];
    this.ingest(signal, via, type.toObject(type.decode(payload), { longs: String, bytes: String, defaults: false }), 'base64');
  }

  private ingest(signal: Signal, via: string, body: Json, ids: 'base64' | 'hex'): void {
    this.requests.push({ signal, contentType: via });
    if (signal === 'traces') this.spans.push(...flattenTraces(body, ids));
    if (signal === 'metrics') this.metrics.push(...flattenMetrics(body));
    if (signal === 'logs') this.logs.push(...flattenLogs(body, ids));
  }

  /** Polls until `predicate` holds, failing with `what` after the timeout. */
  async waitFor<T>(what: string, probe: () => T | undefined | false, timeoutMs = 15_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const result = probe();
      if (result) return result;
      if (Date.now() > deadline) throw new Error(`OTLP receiver: timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  trace(traceId: string): ReceivedSpan[] {
    return this.spans.filter((span) => span.traceId === traceId);
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
