import { check } from 'k6';
import { smokeOptions, smokeParams } from './smoke.options.ts';
import { durationParam, durationSeconds, stringParam } from '../lib/params.ts';
import { targetFromEnv } from '../lib/target.ts';
import { newTraceContext } from '../lib/trace.ts';
import { idempotencyKey } from '../lib/random.ts';
import { waitForSignals, requestCount } from '../lib/probes.ts';
import { requireReady } from '../lib/readiness.ts';
import type { SignalBackends } from '../lib/signals.ts';
import * as shop from '../lib/shop.ts';

export const options = smokeOptions(__ENV);

/** The route whose duration histogram the smoke watches in Prometheus (http.route as the service sets it). */
const watchedRoute = '/api/items/:id';

function backendsFromEnv(): SignalBackends {
  const missing = ['TEMPO_URL', 'LOKI_URL', 'PROMETHEUS_URL'].filter((name) => !__ENV[name]);
  if (missing.length > 0) throw new Error(`telemetry check needs ${missing.join(', ')}`);
  return {
    tempoUrl: __ENV.TEMPO_URL ?? '',
    lokiUrl: __ENV.LOKI_URL ?? '',
    prometheusUrl: __ENV.PROMETHEUS_URL ?? '',
    serviceName: stringParam(__ENV, 'SERVICE_NAME', smokeParams.SERVICE_NAME),
  };
}

/** Every route of the contract, once, in an order where each call has what it needs. */
function touchEveryRoute(target: ReturnType<typeof targetFromEnv>): shop.Id | undefined {
  shop.healthLive(target);
  shop.healthReady(target);

  const itemId = shop.createItem(target, { name: 'smoke item', priceCents: 1234, stock: 10 });
  const doomedId = shop.createItem(target, { name: 'smoke item to delete', priceCents: 1, stock: 1 });
  if (itemId === undefined || doomedId === undefined) return undefined;

  shop.readItem(target, itemId); // cache miss, fills the cache
  shop.readItem(target, itemId); // cache hit
  shop.listItems(target, 5);
  shop.updateItem(target, itemId, { priceCents: 1299 });

  const key = idempotencyKey();
  const first = shop.createOrder(target, itemId, 1, key);
  const replay = shop.createOrder(target, itemId, 1, key);
  check(replay, { 'order replay returns the same order': (r) => r.orderId !== undefined && r.orderId === first.orderId });
  if (first.orderId !== undefined) shop.readOrder(target, first.orderId);

  shop.simulateLatency(target, 10, 0);
  const error = shop.simulateError(target, 0);
  check(error, { 'GET /simulate/error?rate=0 -> 200': (r) => r.status === 200 });
  shop.slowQuery(target, 10);
  const taskId = shop.startHeavyTask(target);
  if (taskId !== undefined) shop.readHeavyTask(target, taskId);

  shop.deleteItem(target, doomedId);
  return itemId;
}

/**
 * Before the one iteration: wait until the service answers ready through Traefik (with the Host header),
 * so a route that is not loaded yet, or a replica Traefik has not yet seen healthy, fails no check.
 */
export function setup(): void {
  requireReady(
    targetFromEnv(__ENV),
    durationSeconds(durationParam(__ENV, 'READY_TIMEOUT', smokeParams.READY_TIMEOUT)),
    durationSeconds(durationParam(__ENV, 'READY_POLL', smokeParams.READY_POLL)),
  );
}

export function smoke(): void {
  const target = targetFromEnv(__ENV);
  const itemId = touchEveryRoute(target);
  check(itemId, { 'smoke could create its item': (id) => id !== undefined });
  if (itemId === undefined) return;

  if (stringParam(__ENV, 'CHECK_TELEMETRY', smokeParams.CHECK_TELEMETRY) === 'false') return;
  const backends = backendsFromEnv();
  const baselineCount = requestCount(backends, watchedRoute);

  // Requests under trace ids we chose: the service continues our trace, so we know what to look for.
  const traces = [newTraceContext(), newTraceContext(), newTraceContext()];
  const sentAtMs = Date.now();
  const [readTrace, createTrace, orderTrace] = traces;
  if (readTrace) shop.readItem(target, itemId, { headers: { traceparent: readTrace.traceparent } });
  if (createTrace) shop.createItem(target, { name: 'smoke traced item', priceCents: 1, stock: 1 }, { headers: { traceparent: createTrace.traceparent } });
  if (orderTrace) shop.createOrder(target, itemId, 1, idempotencyKey(), { headers: { traceparent: orderTrace.traceparent } });

  const missing = waitForSignals(
    backends,
    {
      traceIds: traces.map((t) => t.traceId),
      sentAtMs,
      baselineCount: Number.isNaN(baselineCount) ? 0 : baselineCount,
      httpRoute: watchedRoute,
    },
    durationSeconds(durationParam(__ENV, 'SIGNAL_TIMEOUT', smokeParams.SIGNAL_TIMEOUT)),
    durationSeconds(durationParam(__ENV, 'SIGNAL_POLL', smokeParams.SIGNAL_POLL)),
  );

  const ids = traces.map((t) => t.traceId).join(', ');
  const found = (signal: 'traces' | 'logs' | 'metrics'): boolean => !missing.includes(signal);
  check(null, { 'traces arrived in Tempo': () => found('traces') }, { signal: 'traces' });
  check(null, { 'logs arrived in Loki': () => found('logs') }, { signal: 'logs' });
  check(null, { 'request counted in Prometheus': () => found('metrics') }, { signal: 'metrics' });
  for (const signal of missing) {
    console.error(`telemetry signal missing: ${signal} (trace ids ${ids}, service ${backends.serviceName})`);
  }
}
