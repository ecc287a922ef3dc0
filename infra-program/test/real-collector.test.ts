/**
 * The generated Collector config on the real Collector: a distribution the Collector's builder made at
 * 0.161.0 from the components that config names (`npm run programs`), which validates the config, and,
 * started with it, carries a real replica's traces, metrics and logs to Tempo's, Prometheus's and Loki's
 * OTLP routes (test receivers in their place).
 *
 * What the test changes in the generated config, and only that: the listen addresses (OTLP gRPC and HTTP,
 * health_check, the self-metrics reader) move from every interface on the lab's fixed ports to loopback on
 * free ports, so parallel runs do not collide; each exporter's host and port become its test receiver's,
 * with the config's own path kept (`/otlp`, `/api/v1/otlp`), which the receivers require.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parse as parseYaml, stringify } from 'yaml';
import {
  ensureServiceBuilt,
  freePort,
  jsonRequest,
  newTraceparent,
  OtlpGrpcReceiver,
  OtlpReceiver,
  programPath,
  realPrograms,
  startServiceStack,
  type ServiceStack,
} from '@lab/service/testing';
import type { CollectorConfig } from '../src/configs/collector';
import { traceSampleRatioAttribute } from '../src/configs/sampling';
import { byPart, containers } from './graph';
import { runProgram } from './harness';

const collector = () => programPath('collector');

function runCollector(args: string[]): { status: number | null; output: string } {
  const result = spawnSync(collector(), args, { encoding: 'utf8', timeout: 60_000 });
  if (result.error) throw new Error(`the Collector ${realPrograms.collector.version}: ${result.error.message}`);
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

function writeConfig(content: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'collector-')), 'config.yaml');
  writeFileSync(file, content);
  return file;
}

/** `otelcol components`: what the distribution was built with, per kind. */
interface DistributionComponents {
  buildinfo: { version: string };
  receivers: { name: string; module: string }[];
  processors: { name: string; module: string }[];
  exporters: { name: string; module: string }[];
  extensions: { name: string; module: string }[];
}

const componentKinds = ['receivers', 'processors', 'exporters', 'extensions'] as const;

/** A component id's type: `otlp_http/loki` is an `otlp_http`. */
const typeOf = (id: string) => id.split('/')[0]!;

/** The exporter endpoint with its host and port replaced by `origin`'s: `lab-dev-loki:3100/otlp` keeps `/otlp`. */
function retarget(endpoint: string, origin: string): string {
  if (!endpoint.includes('://')) return new URL(origin).host;
  const url = new URL(endpoint);
  const to = new URL(origin);
  url.host = to.host;
  return url.toString().replace(/\/$/, '');
}

describe(`the real Collector ${realPrograms.collector.version} with the generated config`, () => {
  let generatedYaml: string;
  let generated: CollectorConfig;

  before(async () => {
    // A ratio below 1, so the transform processor's stamp is told from a default.
    const run = await runProgram({ stack: 'dev', config: { traceSamplePercent: '25' } });
    const upload = byPart(containers(run.resources), 'otel-collector').uploads.find((u) => u.file.endsWith('config.yaml'))!;
    generatedYaml = upload.content;
    generated = upload.document as CollectorConfig;
  });

  test('the distribution holds exactly the components the generated config names, at contrib 0.161.0', () => {
    const listed = runCollector(['components']);
    assert.equal(listed.status, 0, listed.output);
    const distribution = parseYaml(listed.output) as DistributionComponents;
    assert.equal(distribution.buildinfo.version, realPrograms.collector.version);
    for (const kind of componentKinds) {
      const named = new Set(Object.keys(generated[kind]).map(typeOf));
      const built = new Set(distribution[kind].map((component) => component.name));
      assert.deepEqual([...built].sort(), [...named].sort(), `${kind}: built against named by the config`);
      for (const component of distribution[kind]) assert.match(component.module, / v0\.161\.0$/, `${kind} ${component.name}`);
    }
  });

  test('validate accepts the generated config, and refuses a component the distribution lacks', () => {
    const accepted = runCollector(['validate', `--config=${writeConfig(generatedYaml)}`]);
    assert.equal(accepted.status, 0, accepted.output);
    // The check is real: a batch processor (in the contrib image, not in this distribution) is refused.
    const withBatch = structuredClone(generated) as any;
    withBatch.processors.batch = {};
    withBatch.service.pipelines.traces.processors.push('batch');
    const refused = runCollector(['validate', `--config=${writeConfig(stringify(withBatch))}`]);
    assert.notEqual(refused.status, 0, refused.output);
    assert.match(refused.output, /batch/);
  });

  describe("a replica's telemetry through it", () => {
    let tempo: OtlpGrpcReceiver;
    let loki: OtlpReceiver;
    let prometheus: OtlpReceiver;
    let daemon: ChildProcess | undefined;
    let daemonLog = '';
    let stack: ServiceStack | undefined;
    let otlpHttpPort: number;

    before(async () => {
      ensureServiceBuilt();
      // The backends' OTLP routes: Tempo's gRPC receiver, Loki's `/otlp`, Prometheus's `/api/v1/otlp`.
      tempo = await new OtlpGrpcReceiver().start();
      loki = await new OtlpReceiver({ basePath: '/otlp' }).start();
      prometheus = await new OtlpReceiver({ basePath: '/api/v1/otlp' }).start();

      const config = structuredClone(generated);
      const [otlpGrpcPort, healthPort, selfMetricsPort] = await Promise.all([freePort(), freePort(), freePort()]);
      otlpHttpPort = await freePort();
      config.receivers.otlp.protocols.grpc.endpoint = `127.0.0.1:${otlpGrpcPort}`;
      config.receivers.otlp.protocols.http.endpoint = `127.0.0.1:${otlpHttpPort}`;
      config.extensions.health_check.endpoint = `127.0.0.1:${healthPort}`;
      Object.assign(config.service.telemetry.metrics.readers[0]!.pull.exporter.prometheus, { host: '127.0.0.1', port: selfMetricsPort });
      const receiverOf: Record<string, string> = { 'otlp_grpc/tempo': tempo.endpoint, 'otlp_http/loki': loki.endpoint, 'otlp_http/prometheus': prometheus.endpoint };
      assert.deepEqual(Object.keys(config.exporters).sort(), Object.keys(receiverOf).sort(), 'one test receiver per exporter');
      for (const [id, exporter] of Object.entries(config.exporters)) exporter.endpoint = retarget(exporter.endpoint, receiverOf[id]!);

      daemon = spawn(collector(), [`--config=${writeConfig(stringify(config))}`], { stdio: ['ignore', 'ignore', 'pipe'] });
      daemon.stderr!.on('data', (chunk) => (daemonLog += chunk));
      const deadline = Date.now() + 20_000;
      while (!(await fetch(`http://127.0.0.1:${healthPort}/`).then((r) => r.ok, () => false))) {
        assert.ok(daemon.exitCode === null && Date.now() < deadline, `the Collector did not get healthy:\n${daemonLog}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      stack = await startServiceStack({ otlpEndpoint: `http://127.0.0.1:${otlpHttpPort}` });
    });

    after(async () => {
      await stack?.dispose();
      daemon?.kill('SIGTERM');
      await Promise.all([tempo?.stop(), loki?.stop(), prometheus?.stop()]);
    });

    test('traces reach Tempo over gRPC, stamped with the sampling ratio; metrics reach Prometheus; logs reach Loki', { timeout: 60_000 }, async () => {
      const { traceparent, traceId } = newTraceparent();
      const created = await stack!.service.fetch('/api/items', {
        ...jsonRequest('POST', { name: 'through-the-collector', priceCents: 10, stock: 1 }),
        headers: { 'content-type': 'application/json', traceparent },
      });
      assert.equal(created.status, 201);

      const spans = await tempo.waitFor(`the trace ${traceId} at Tempo`, () => (tempo.trace(traceId).some((s) => s.name === 'POST /api/items') ? tempo.trace(traceId) : undefined), 30_000);
      assert.deepEqual(tempo.requests.map((r) => r.contentType).filter((via, i, all) => all.indexOf(via) === i), ['grpc']);
      for (const span of spans) {
        assert.equal(span.resource['service.name'], 'shop-api');
        assert.equal(span.resource[traceSampleRatioAttribute], 0.25, `${span.name}: the transform processor's stamp`);
      }

      const duration = await prometheus.waitFor(
        'http.server.request.duration for POST /api/items at Prometheus',
        () => prometheus.metrics.find((m) => m.name === 'http.server.request.duration' && m.dataPoints.some((p) => p.attributes['http.route'] === '/api/items')),
        30_000,
      );
      assert.equal(duration.type, 'histogram');
      assert.equal(duration.resource['service.name'], 'shop-api');
      // The stamp is a traces-only transform: metrics and logs arrive without it.
      assert.equal(duration.resource[traceSampleRatioAttribute], undefined);

      const logged = await loki.waitFor(`a log line of trace ${traceId} at Loki`, () => loki.logs.find((record) => record.traceId === traceId), 30_000);
      assert.equal(logged.resource['service.name'], 'shop-api');
      assert.equal(logged.resource[traceSampleRatioAttribute], undefined);
      assert.ok(
        [...loki.requests, ...prometheus.requests].every((r) => r.contentType === 'application/x-protobuf'),
        'otlp_http exports protobuf',
      );
    });
  });
});
