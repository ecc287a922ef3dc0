/** Constraints on the pinned images that a wrong bump would break at `pulumi up`, not under mocks. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { images } from '../src/images';

function version(image: string): number[] {
  const tag = image.slice(image.lastIndexOf(':') + 1);
  const match = /^v?(\d+)\.(\d+)\.(\d+)/.exec(tag);
  assert.ok(match, `${image} has a semantic version tag`);
  return match.slice(1).map(Number);
}

function atLeast(actual: number[], minimum: number[]): boolean {
  for (let i = 0; i < minimum.length; i += 1) {
    const [have, need] = [actual[i] ?? 0, minimum[i] ?? 0];
    if (have !== need) return have > need;
  }
  return true;
}

test('Traefik is at least v3.6.1 (older v3 fail against Docker Engine 29) and still v3', () => {
  const v = version(images.traefik);
  assert.equal(v[0], 3);
  assert.ok(atLeast(v, [3, 6, 1]), images.traefik);
});

test('Prometheus is v3 (the OTLP receiver flag and the otlp config block) and Grafana 13', () => {
  assert.equal(version(images.prometheus)[0], 3);
  assert.equal(version(images.grafana)[0], 13);
});

test('images probed with a shell + wget health check are variants that ship them', () => {
  // redis_exporter's default image is FROM scratch; only its -alpine variant has /bin/sh and wget.
  assert.match(images.redisExporter, /-alpine$/);
  // postgres-exporter's only image is busybox-based; Prometheus's too.
  assert.match(images.postgresExporter, /^quay\.io\/prometheuscommunity\/postgres-exporter:v/);
  assert.match(images.prometheus, /^prom\/prometheus:v/);
});
