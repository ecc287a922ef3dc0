/**
 * The rehearsal's parts on their own: the load balancer checks readiness as the program's Traefik does, an
 * OTLP point becomes the series Prometheus 3 stores, and a recording is extended at its recorded rates.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import type { ReceivedMetric } from '@lab/service/testing';
import { appHealthCheck, traefikDynamicConfig } from '../src/configs/traefik';
import { serviceReadinessPath } from '../src/components/shop-service';
import { haproxyConfig, haproxyPath, renderHaproxyConfig } from '../rehearsal/load-balancer';
import { prometheusSamples, type Recording } from '../rehearsal/recording';
import { historyMinutes, inputSeries } from '../rehearsal/input-series';

test('HAProxy checks each replica\'s readiness with the interval, timeout and path the program gives Traefik, and its config is valid (haproxy -c)', () => {
  const replicas = [{ name: 'shop-api-1', port: 41001 }, { name: 'shop-api-2', port: 41002 }];
  const config = haproxyConfig(41000, replicas);
  const traefik = traefikDynamicConfig({
    appHost: 'shop.localhost',
    appReplicas: [{ host: 'a', port: 1 }],
    appHealthPath: serviceReadinessPath,
    minioConsoleHost: 'minio.localhost',
    minioConsole: { host: 'm', port: 2 },
  }).http.services.shop!.loadBalancer.healthCheck!;
  const backend = config.backends.shop!;
  assert.ok(backend.some((l) => l.includes(`uri ${traefik.path} `)), backend.join('\n'));
  for (const r of replicas) assert.ok(backend.includes(`server ${r.name} 127.0.0.1:${r.port} check inter ${traefik.interval} fall 1 rise 1`), backend.join('\n'));
  assert.ok(config.defaults.includes(`timeout check ${traefik.timeout}`));
  assert.equal(traefik.interval, `${appHealthCheck.intervalSeconds}s`);
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'haproxy-')), 'haproxy.cfg');
  writeFileSync(file, renderHaproxyConfig(config));
  const checked = spawnSync(haproxyPath(), ['-c', '-f', file], { encoding: 'utf8' });
  assert.equal(checked.status, 0, `${checked.stdout}${checked.stderr}`);
});

test('an OTLP histogram point becomes cumulative _bucket series with le, _count and _sum; job and instance come from the resource; a valueless attribute is no label', () => {
  const metric: ReceivedMetric = {
    name: 'db.client.operation.duration',
    unit: 's',
    type: 'histogram',
    resource: { 'service.name': 'shop-api', 'service.instance.id': 'shop-api-1' },
    scope: 'x',
    dataPoints: [{ attributes: { 'db.system.name': 'postgresql', 'error.type': undefined }, count: 10, sum: 1.5, explicitBounds: [0.05, 0.1], bucketCounts: [6, 3, 1] }],
  };
  const labels = 'db_system_name="postgresql",instance="shop-api-1",job="shop-api"';
  assert.deepEqual(Object.fromEntries(prometheusSamples(metric)), {
    [`db_client_operation_duration_seconds_bucket{${labels},le="0.05"}`]: 6,
    [`db_client_operation_duration_seconds_bucket{${labels},le="0.1"}`]: 9,
    [`db_client_operation_duration_seconds_bucket{${labels},le="+Inf"}`]: 10,
    [`db_client_operation_duration_seconds_count{${labels}}`]: 10,
    [`db_client_operation_duration_seconds_sum{${labels}}`]: 1.5,
  });
});

test('a recording extends at its recorded rates: six hours of history at the healthy rate, the fault\'s steady rate after it, a series silent at the end stays silent', () => {
  const recording: Recording = {
    stepSeconds: 15,
    phases: ['healthy', 'healthy', 'fault', 'fault', 'fault', 'fault'],
    series: {
      'c_total{job="a"}': [100, 110, 130, 160, 190, 220],
      'g{job="a"}': [1, 2, 5, 6, 7, 8],
      'gone_total{job="a"}': [1, 2, 3, null, null, null],
    },
  };
  const { series, plan } = inputSeries(recording, { faulted: true, minutesAfterFault: 2 });
  const history = historyMinutes * 4 - 2;
  assert.equal(plan.faultStartStep, historyMinutes * 4);
  const values = (name: string) => series.find((s) => s.series.startsWith(name))!.values.split(' ');
  // 10 a step while healthy; recorded values continue that counter; then 30 a step (the fault's second half).
  assert.deepEqual(values('c_total').slice(0, 3), [`0+10x${history - 1}`, String(history * 10), String(history * 10 + 10)]);
  assert.equal(values('c_total').at(-1), `${history * 10 + 150}+30x${plan.totalSteps - history - 6 - 1}`);
  // A gauge repeats its healthy samples in the history and the fault's last minute after it.
  assert.deepEqual(values('g').slice(0, 4), ['1', '2', '1', '2']);
  assert.deepEqual(values('g').slice(history + 6, history + 10), ['5', '6', '7', '8']);
  assert.ok(values('gone_total').slice(history + 6).every((v) => v === '_'));
  const healthy = inputSeries(recording, { faulted: false, minutesAfterFault: 2 }).series.find((s) => s.series.startsWith('c_total'))!.values.split(' ');
  assert.equal(healthy.at(-1), `${history * 10 + 20}+10x${plan.totalSteps - history - 2 - 1}`);
});
