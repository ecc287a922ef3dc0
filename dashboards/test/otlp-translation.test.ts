import { test } from 'node:test';
import assert from 'node:assert/strict';
import { prometheusSeriesNames } from '../src/metrics/otlp-to-prometheus';
import { serviceSeriesNames } from '../src/metrics/service-metrics';
import { knownMetricsByEmitter } from '../src/metrics/known-metrics';

test('histograms in seconds get the unit suffix and _bucket/_sum/_count', () => {
  assert.deepEqual(prometheusSeriesNames({ name: 'http.server.request.duration', unit: 's', kind: 'histogram' }), [
    'http_server_request_duration_seconds_bucket',
    'http_server_request_duration_seconds_sum',
    'http_server_request_duration_seconds_count',
  ]);
});

test('counters get _total and lose annotation units in braces', () => {
  assert.deepEqual(prometheusSeriesNames({ name: 'app.cache.lookups', unit: '{lookup}', kind: 'counter' }), ['app_cache_lookups_total']);
  assert.deepEqual(prometheusSeriesNames({ name: 'otelcol_receiver_accepted_spans', unit: '{spans}', kind: 'counter' }), [
    'otelcol_receiver_accepted_spans_total',
  ]);
});

test('gauges of unit 1 become _ratio, bytes become _bytes, up-down counters stay plain', () => {
  assert.deepEqual(prometheusSeriesNames({ name: 'nodejs.eventloop.utilization', unit: '1', kind: 'gauge' }), ['nodejs_eventloop_utilization_ratio']);
  assert.deepEqual(prometheusSeriesNames({ name: 'v8js.memory.heap.used', unit: 'By', kind: 'gauge' }), ['v8js_memory_heap_used_bytes']);
  assert.deepEqual(prometheusSeriesNames({ name: 'app.task.queue.depth', unit: '{task}', kind: 'updowncounter' }), ['app_task_queue_depth']);
  assert.deepEqual(prometheusSeriesNames({ name: 'nodejs.eventloop.delay.p99', unit: 's', kind: 'gauge' }), ['nodejs_eventloop_delay_p99_seconds']);
});

test('the names the service contract promises are among the derived service series', () => {
  // The Prometheus names listed in the cross-workspace contract (common.md, "Telemetry").
  const promised = [
    'http_server_request_duration_seconds_bucket',
    'db_client_operation_duration_seconds_bucket',
    'app_cache_lookups_total',
    'app_task_queue_depth',
    'app_task_duration_seconds_bucket',
    'app_orders_total',
    'nodejs_eventloop_delay_p99_seconds',
    'nodejs_eventloop_utilization_ratio',
    'v8js_memory_heap_used_bytes',
    'v8js_gc_duration_seconds_bucket',
  ];
  for (const name of promised) assert.ok(serviceSeriesNames.includes(name), name);
});

test('every emitter contributes names, and no name is claimed by two emitters', () => {
  const seen = new Map<string, string>();
  for (const [emitter, names] of Object.entries(knownMetricsByEmitter)) {
    assert.ok(names.length > 0, emitter);
    for (const name of names) {
      assert.match(name, /^[a-zA-Z_:][a-zA-Z0-9_:]*$/, `${emitter}: ${name}`);
      assert.equal(seen.get(name), undefined, `${name} listed by ${seen.get(name)} and ${emitter}`);
      seen.set(name, emitter);
    }
  }
});
