import { test } from 'node:test';
import assert from 'node:assert/strict';
import { requestParams, targetFromEnv } from '../k6/lib/target.ts';
import { chooseWeighted } from '../k6/lib/choose.ts';
import { fullJitterDelayMs } from '../k6/lib/backoff.ts';
import { durationSeconds, numberParam } from '../k6/lib/params.ts';
import {
  lokiLineCount,
  lokiQueryRangeUrl,
  lokiTraceLogsQuery,
  prometheusQueryUrl,
  prometheusScalar,
  requestCountQuery,
  tempoTraceUrl,
  traceMentionsService,
} from '../k6/lib/signals.ts';

const target = targetFromEnv({ TARGET_URL: 'http://traefik:80/', HOST_HEADER: 'shop.localhost' });
const backends = { tempoUrl: 'http://tempo:3200/', lokiUrl: 'http://loki:3100', prometheusUrl: 'http://prometheus:9090', serviceName: 'shop-api' };
const traceId = '0af7651916cd43dd8448eb211c80319c';

test('every request carries the Host header Traefik routes on, plus route tags', () => {
  const params = requestParams(target, 'itemRead', { headers: { traceparent: 'x' } });
  assert.equal(params.headers?.Host, 'shop.localhost');
  assert.equal(params.headers?.traceparent, 'x');
  assert.deepEqual(params.tags, { route: 'item-read', name: 'GET /api/items/:id', target: 'service' });
  // Caller tags cannot overwrite the route tags thresholds depend on.
  assert.equal(requestParams(target, 'itemRead', { tags: { route: 'other' } }).tags?.route, 'item-read');
  assert.equal(target.baseUrl, 'http://traefik:80');
});

test('a missing target or Host header stops the script with a reason', () => {
  assert.throws(() => targetFromEnv({ HOST_HEADER: 'h' }), /TARGET_URL/);
  assert.throws(() => targetFromEnv({ TARGET_URL: 'http://x' }), /HOST_HEADER.*Traefik/);
});

test('Tempo: trace by id on /api/traces/<id>; found only when the trace names the service', () => {
  assert.equal(tempoTraceUrl(backends, traceId), `http://tempo:3200/api/traces/${traceId}`);
  assert.equal(traceMentionsService(404, 'trace not found', 'shop-api'), false);
  assert.equal(traceMentionsService(200, '{"batches":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"shop-api"}}]}}]}', 'shop-api'), true);
  assert.equal(traceMentionsService(200, '{"batches":[]}', 'shop-api'), false);
});

test('Loki: query_range with a service_name selector, a trace_id filter and a nanosecond window', () => {
  assert.equal(lokiTraceLogsQuery('shop-api', [traceId]), `{service_name="shop-api"} | trace_id="${traceId}"`);
  assert.equal(lokiTraceLogsQuery('shop-api', [traceId, traceId]), `{service_name="shop-api"} | trace_id=~"${traceId}|${traceId}"`);
  assert.throws(() => lokiTraceLogsQuery('shop-api', ['"} or {']), /not a trace id/);
  const url = new URL(lokiQueryRangeUrl(backends, [traceId], 1_700_000_000_000, 1_700_000_060_000));
  assert.equal(url.pathname, '/loki/api/v1/query_range');
  assert.equal(url.searchParams.get('query'), `{service_name="shop-api"} | trace_id="${traceId}"`);
  assert.equal(url.searchParams.get('start'), '1700000000000000000');
  assert.equal(url.searchParams.get('end'), '1700000060000000000');
  assert.equal(url.searchParams.get('direction'), 'backward');
  const streams = { status: 'success', data: { resultType: 'streams', result: [{ stream: {}, values: [['1', 'a'], ['2', 'b']] }] } };
  assert.equal(lokiLineCount(streams), 2);
  assert.equal(lokiLineCount({ status: 'success', data: { resultType: 'streams', result: [] } }), 0);
});

test('Prometheus: instant query on the duration histogram count, empty vector reads as zero', () => {
  const promql = requestCountQuery('shop-api', '/api/items/:id');
  assert.equal(promql, 'sum(http_server_request_duration_seconds_count{job="shop-api",http_route="/api/items/:id"})');
  const url = new URL(prometheusQueryUrl(backends, promql));
  assert.equal(url.pathname, '/api/v1/query');
  assert.equal(url.searchParams.get('query'), promql);
  assert.equal(prometheusScalar({ status: 'success', data: { resultType: 'vector', result: [{ metric: {}, value: [1, '42'] }] } }), 42);
  assert.equal(prometheusScalar({ status: 'success', data: { resultType: 'vector', result: [] } }), 0);
  assert.throws(() => prometheusScalar({ status: 'error', error: 'bad' }), /unexpected/);
});

test('the traffic mix picks each action in proportion to its weight', () => {
  const weights = { a: 1, b: 3 } as const;
  assert.equal(chooseWeighted(weights, 0), 'a');
  assert.equal(chooseWeighted(weights, 0.24), 'a');
  assert.equal(chooseWeighted(weights, 0.26), 'b');
  assert.equal(chooseWeighted(weights, 0.999), 'b');
  assert.throws(() => chooseWeighted({ a: 0 }, 0.5), /more than zero/);
});

test('full-jitter backoff grows exponentially up to its cap and never waits past it', () => {
  const policy = { baseMs: 100, capMs: 1000 };
  assert.equal(fullJitterDelayMs(policy, 0, 1), 100);
  assert.equal(fullJitterDelayMs(policy, 2, 1), 400);
  assert.equal(fullJitterDelayMs(policy, 10, 1), 1000);
  assert.equal(fullJitterDelayMs(policy, 3, 0.5), 400);
  assert.equal(fullJitterDelayMs(policy, 3, 0), 0);
});

test('parameter parsing: numbers and k6 durations', () => {
  assert.equal(numberParam({ RATE: '12.5' }, 'RATE', 1), 12.5);
  assert.equal(numberParam({}, 'RATE', 7), 7);
  assert.throws(() => numberParam({ RATE: '-1' }, 'RATE', 1), /RATE/);
  assert.equal(durationSeconds('1m30s'), 90);
  assert.equal(durationSeconds('500ms'), 0.5);
  assert.equal(durationSeconds('2h'), 7200);
});
