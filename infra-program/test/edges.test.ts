/**
 * For every edge of the graph (a container configured to reach another), the two share a network and
 * the port used is one the target's own config binds.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { runProgram } from './harness';
import { byPart, containers, listenPorts, references, type ContainerView, type Reference } from './graph';

describe('graph edges', () => {
  let views: ContainerView[];
  let refs: Reference[];
  before(async () => {
    views = containers((await runProgram({ stack: 'dev', config: { replicas: '2' } })).resources);
    refs = references(views);
  });

  const target = (host: string) => views.find((v) => v.name === host)!;
  const edgesFrom = (part: string) =>
    refs.filter((r) => r.from.labels['lab.part'] === part).map((r) => `${target(r.host).labels['lab.part']}:${r.port}`);

  test('every reference reaches a container on a shared network, at a port that container listens on', () => {
    assert.ok(refs.length > 30, `found ${refs.length} references`);
    for (const ref of refs) {
      const to = target(ref.host);
      const shared = ref.from.networks.filter((n) => to.networks.includes(n));
      assert.ok(shared.length > 0, `${ref.from.name} -> ${ref.host} (${ref.where}) share no network`);
      assert.ok(
        listenPorts(to).includes(ref.port),
        `${ref.from.name} -> ${ref.host}:${ref.port} (${ref.where}), but it listens on ${listenPorts(to).join(', ')}`,
      );
    }
  });

  test('the expected edges exist', () => {
    const expect = (from: string, ...to: string[]) => {
      const found = new Set(edgesFrom(from));
      for (const edge of to) assert.ok(found.has(edge), `${from} -> ${edge} (found ${[...found].join(', ')})`);
    };
    // The replicas' links go through Toxiproxy, which listens on each upstream's own port.
    expect('shop-api-1', 'toxiproxy:5432', 'toxiproxy:6379', 'toxiproxy:4318');
    expect('shop-api-2', 'toxiproxy:5432', 'toxiproxy:6379', 'toxiproxy:4318');
    expect('toxiproxy', 'postgres:5432', 'redis:6379', 'otel-collector:4318');
    expect('fault-controller', 'toxiproxy:8474');
    expect('shop-api-migrate', 'postgres:5432');
    expect('postgres-exporter', 'postgres:5432');
    expect('redis-exporter', 'redis:6379');
    expect('minio-buckets', 'minio:9000');
    expect('otel-collector', 'tempo:4317', 'loki:3100', 'prometheus:9090');
    expect('tempo', 'minio:9000', 'prometheus:9090');
    expect('loki', 'minio:9000');
    expect(
      'prometheus',
      'prometheus:9090',
      'traefik:8082',
      'postgres-exporter:9187',
      'redis-exporter:9121',
      'otel-collector:8888',
      'tempo:3200',
      'loki:3100',
      'alertmanager:9093',
      'toxiproxy:8474',
      'flagd:8014',
      'fault-controller:9478',
    );
    expect('grafana', 'prometheus:9090', 'loki:3100', 'tempo:3200', 'alertmanager:9093');
    expect('traefik', 'shop-api-1:8080', 'shop-api-2:8080', 'minio:9001', 'otel-collector:4318');
    expect('k6', 'traefik:8000', 'tempo:3200', 'loki:3100', 'prometheus:9090');
  });

  test('the Collector sends each signal to its backend over the right protocol and path', () => {
    const config = byPart(views, 'otel-collector').uploads[0]!.document as any;
    const tempo = byPart(views, 'tempo').name;
    const loki = byPart(views, 'loki').name;
    const prometheus = byPart(views, 'prometheus').name;
    assert.equal(config.exporters['otlp_grpc/tempo'].endpoint, `${tempo}:4317`);
    assert.equal(config.exporters['otlp_http/loki'].endpoint, `http://${loki}:3100/otlp`);
    assert.equal(config.exporters['otlp_http/prometheus'].endpoint, `http://${prometheus}:9090/api/v1/otlp`);
    assert.ok(!JSON.stringify(config.exporters).includes('"loki"'), 'no legacy loki exporter');
  });

  test('Tempo and k6 write to the remote-write receiver Prometheus enables', () => {
    const prometheus = byPart(views, 'prometheus');
    assert.ok(prometheus.command.includes('--web.enable-remote-write-receiver'));
    assert.ok(prometheus.command.includes('--web.enable-otlp-receiver'));
    assert.ok(prometheus.command.includes('--enable-feature=exemplar-storage'));
    const tempo = byPart(views, 'tempo').uploads[0]!.document as any;
    assert.equal(tempo.metrics_generator.storage.remote_write[0].url, `http://${prometheus.name}:9090/api/v1/write`);
    assert.equal(byPart(views, 'k6').env.K6_PROMETHEUS_RW_SERVER_URL, `http://${prometheus.name}:9090/api/v1/write`);
  });

  test('k6 reaches the app through Traefik with the Host header of its router', () => {
    const k6 = byPart(views, 'k6');
    const routes = byPart(views, 'traefik').uploads.find((u) => u.file.endsWith('routes.yml'))!.document as any;
    assert.equal(routes.http.routers.shop.rule, `Host(\`${k6.env.HOST_HEADER}\`)`);
    assert.equal(k6.env.TARGET_URL, `http://${byPart(views, 'traefik').name}:8000`);
  });
});
