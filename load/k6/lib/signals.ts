/**
 * Pure builders for the queries the smoke test sends to the telemetry backends, kept apart from the k6 calls
 * so the exact paths and parameters are unit-tested. Checked against the Tempo, Loki and Prometheus HTTP API
 * docs: Tempo `GET /api/traces/<traceID>` (404 until the trace is found); Loki `GET /loki/api/v1/query_range`
 * with `query`, `start`/`end` in Unix nanoseconds, `limit`, `direction`; Prometheus `GET /api/v1/query` with
 * `query` (instant vector result).
 */
export interface SignalBackends {
  readonly tempoUrl: string;
  readonly lokiUrl: string;
  readonly prometheusUrl: string;
  /** OTEL_SERVICE_NAME of the service: Loki's `service_name` label, Prometheus's `job` label. */
  readonly serviceName: string;
}

export type Signal = 'traces' | 'logs' | 'metrics';

const trimSlash = (url: string): string => url.replace(/\/+$/, '');

/** Query-string encoding without URLSearchParams, which k6 does not provide as a global. */
export function queryString(params: Readonly<Record<string, string | number>>): string {
  return Object.entries(params)
    .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`)
    .join('&');
}

export function tempoTraceUrl(backends: SignalBackends, traceId: string): string {
  return `${trimSlash(backends.tempoUrl)}/api/traces/${traceId}`;
}

/** LogQL: the service's stream, filtered on the trace_id structured metadata OTLP logs carry in Loki 3. */
export function lokiTraceLogsQuery(serviceName: string, traceIds: readonly string[]): string {
  for (const id of traceIds) {
    if (!/^[0-9a-f]{32}$/.test(id)) throw new Error(`not a trace id: ${id}`);
  }
  const matcher = traceIds.length === 1 ? `trace_id="${traceIds[0]}"` : `trace_id=~"${traceIds.join('|')}"`;
  return `{service_name="${serviceName}"} | ${matcher}`;
}

export function lokiQueryRangeUrl(backends: SignalBackends, traceIds: readonly string[], startMs: number, endMs: number): string {
  const ns = (ms: number): string => `${Math.floor(ms)}000000`;
  return `${trimSlash(backends.lokiUrl)}/loki/api/v1/query_range?${queryString({
    query: lokiTraceLogsQuery(backends.serviceName, traceIds),
    start: ns(startMs),
    end: ns(endMs),
    limit: 20,
    direction: 'backward',
  })}`;
}

/** How many requests the service's duration histogram has counted on one route, over all instances. */
export function requestCountQuery(serviceName: string, httpRoute: string): string {
  return `sum(http_server_request_duration_seconds_count{job="${serviceName}",http_route="${httpRoute}"})`;
}

export function prometheusQueryUrl(backends: SignalBackends, promql: string): string {
  return `${trimSlash(backends.prometheusUrl)}/api/v1/query?${queryString({ query: promql })}`;
}

/** Count of log lines in a Loki query_range answer (a `streams` result). */
export function lokiLineCount(body: unknown): number {
  const result = (body as { data?: { result?: unknown } } | null)?.data?.result;
  if (!Array.isArray(result)) return 0;
  return result.reduce<number>((sum, stream) => {
    const values = (stream as { values?: unknown }).values;
    return sum + (Array.isArray(values) ? values.length : 0);
  }, 0);
}

/** The value of a single-sample instant vector, or 0 when the vector is empty (no series yet). */
export function prometheusScalar(body: unknown): number {
  const data = (body as { status?: string; data?: { resultType?: string; result?: unknown } } | null) ?? {};
  if (data.status !== 'success' || data.data?.resultType !== 'vector' || !Array.isArray(data.data.result)) {
    throw new Error(`unexpected Prometheus answer: ${JSON.stringify(body).slice(0, 200)}`);
  }
  const first = data.data.result[0] as { value?: [number, string] } | undefined;
  return first?.value ? Number(first.value[1]) : 0;
}

/** Tempo answers 200 with the trace (OTLP JSON, resource attributes included) once it has it. */
export function traceMentionsService(status: number, body: string, serviceName: string): boolean {
  return status === 200 && body.includes(`"${serviceName}"`);
}
