import http from 'k6/http';
import { sleep } from 'k6';
import {
  lokiLineCount,
  lokiQueryRangeUrl,
  prometheusQueryUrl,
  prometheusScalar,
  requestCountQuery,
  tempoTraceUrl,
  traceMentionsService,
  type Signal,
  type SignalBackends,
} from './signals.ts';

/**
 * The smoke test's look-ups in Tempo, Loki and Prometheus. These requests are tagged `target:<backend>` (not
 * `service`), and a 404 from Tempo is expected while the trace is on its way, so neither pollutes the
 * service's error-rate thresholds.
 */

const backendParams = (backend: string) => ({
  tags: { target: backend, name: `${backend} query` },
  responseCallback: http.expectedStatuses({ min: 200, max: 299 }, 404),
  timeout: '10s',
});

export function traceFound(backends: SignalBackends, traceId: string): boolean {
  const res = http.get(tempoTraceUrl(backends, traceId), backendParams('tempo'));
  return traceMentionsService(res.status, String(res.body ?? ''), backends.serviceName);
}

export function logLinesFound(backends: SignalBackends, traceIds: readonly string[], startMs: number): number {
  const res = http.get(lokiQueryRangeUrl(backends, traceIds, startMs, Date.now() + 1000), backendParams('loki'));
  if (res.status !== 200) return 0;
  return lokiLineCount(res.json());
}

export function requestCount(backends: SignalBackends, httpRoute: string): number {
  const res = http.get(prometheusQueryUrl(backends, requestCountQuery(backends.serviceName, httpRoute)), backendParams('prometheus'));
  if (res.status !== 200) return Number.NaN;
  return prometheusScalar(res.json());
}

export interface Expectations {
  readonly traceIds: readonly string[];
  /** When the traced requests were sent (ms since epoch): the log search window starts there. */
  readonly sentAtMs: number;
  /** The duration histogram's count on `httpRoute` before the traced requests. */
  readonly baselineCount: number;
  readonly httpRoute: string;
}

/**
 * Polls all three backends until every signal has arrived or the deadline passes, and returns the signals
 * still missing. One shared deadline bounds the whole wait: pipelines batch (the collector, the metric export
 * interval, Loki's ingester), so the first look-ups are expected to miss.
 */
export function waitForSignals(
  backends: SignalBackends,
  expected: Expectations,
  timeoutSeconds: number,
  pollSeconds: number,
): Signal[] {
  const pendingTraces = new Set(expected.traceIds);
  const missing = new Set<Signal>(['traces', 'logs', 'metrics']);
  const deadline = Date.now() + timeoutSeconds * 1000;
  for (;;) {
    for (const id of [...pendingTraces]) if (traceFound(backends, id)) pendingTraces.delete(id);
    if (pendingTraces.size === 0) missing.delete('traces');
    if (missing.has('logs') && logLinesFound(backends, expected.traceIds, expected.sentAtMs - 5000) > 0) missing.delete('logs');
    if (missing.has('metrics') && requestCount(backends, expected.httpRoute) > expected.baselineCount) missing.delete('metrics');
    if (missing.size === 0 || Date.now() >= deadline) return [...missing];
    sleep(pollSeconds);
  }
}
