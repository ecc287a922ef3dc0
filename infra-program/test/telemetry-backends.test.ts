/**
 * Tempo, Loki, the Collector and MinIO as the pinned versions require them: every config key exists in
 * that version's reference (test/upstream-keys.ts), the values the platform depends on are set, each
 * process can write where its config says it writes, and the commands, flags and health checks are the
 * ones the images ship.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { images } from '../src/images';
import { runProgram } from './harness';
import { byPart, containers, type ContainerView, upload } from './graph';
import { collector161, leafPaths, loki37, matchesKey, pyroscope22, tempo210 } from './upstream-keys';


function assertKnownKeys(what: string, paths: string[], allowed: readonly string[]): void {
  const unknown = paths.filter((path) => !matchesKey(path, allowed));
  assert.deepEqual(unknown, [], `${what}: keys absent from the pinned version's reference`);
}

/** Every string in a document that looks like an absolute filesystem path. */
function absolutePaths(value: unknown): string[] {
  if (typeof value === 'string') return value.startsWith('/') ? [value] : [];
  if (Array.isArray(value)) return value.flatMap(absolutePaths);
  if (value !== null && typeof value === 'object') return Object.values(value).flatMap(absolutePaths);
  return [];
}

describe('telemetry backends against their pinned versions', () => {
  let views: ContainerView[];
  before(async () => {
    views = containers((await runProgram({ stack: 'dev' })).resources);
  });

  test('each image is on the version line its key list was read from', () => {
    assert.match(images.tempo, tempo210.imageLine);
    assert.match(images.loki, loki37.imageLine);
    assert.match(images.collector, collector161.imageLine);
    assert.equal(byPart(views, 'tempo').image, images.tempo);
    assert.equal(byPart(views, 'loki').image, images.loki);
    assert.equal(byPart(views, 'otel-collector').image, images.collector);
  });

  describe('Tempo 2.10', () => {
    test('every key is in the 2.10 reference', () => {
      assertKnownKeys('tempo.yaml', leafPaths(upload(byPart(views, 'tempo'), 'tempo.yaml')), tempo210.keys);
    });

    test('OTLP receivers on every interface, at the ports the Collector sends to', () => {
      const config = upload(byPart(views, 'tempo'), 'tempo.yaml');
      const { grpc, http } = config.distributor.receivers.otlp.protocols;
      assert.equal(grpc.endpoint, '0.0.0.0:4317');
      assert.equal(http.endpoint, '0.0.0.0:4318');
      assert.equal(config.stream_over_http_enabled, true, "Grafana's streaming TraceQL search");
    });

    test('the metrics generator: both processors on, classic histograms, exemplars remote-written', () => {
      const config = upload(byPart(views, 'tempo'), 'tempo.yaml');
      const generator = config.overrides.defaults.metrics_generator;
      assert.deepEqual([...generator.processors].sort(), ['local-blocks', 'service-graphs', 'span-metrics']);
      // The dashboards query the classic `_bucket` series of the span-metrics and service-graph histograms.
      assert.equal(generator.generate_native_histograms, 'classic');
      const [remoteWrite, ...others] = config.metrics_generator.storage.remote_write;
      assert.equal(others.length, 0);
      assert.match(remoteWrite.url, /^http:\/\/[a-z0-9-]+:9090\/api\/v1\/write$/);
      assert.equal(remoteWrite.send_exemplars, true);
      assert.ok(config.metrics_generator.storage.path, 'the generator WAL needs a path');
      assert.ok(config.metrics_generator.traces_storage.path, 'local-blocks needs a traces path');
      assert.ok(config.metrics_generator.processor.service_graphs.database_name_attributes.includes('db.system.name'));
      assert.ok(!('metrics_generator_processors' in config.overrides), 'no legacy flat overrides');
    });

    test('blocks on MinIO over plain HTTP, path-style, credentials from the environment', () => {
      const tempo = byPart(views, 'tempo');
      const s3 = upload(tempo, 'tempo.yaml').storage.trace.s3;
      assert.equal(upload(tempo, 'tempo.yaml').storage.trace.backend, 's3');
      assert.match(s3.endpoint, /^[a-z0-9-]+-minio:9000$/, 'host:port, no scheme');
      assert.equal(s3.insecure, true);
      assert.equal(s3.forcepathstyle, true);
      assert.equal(s3.access_key, '${S3_ACCESS_KEY}');
      assert.equal(s3.secret_key, '${S3_SECRET_KEY}');
      assert.deepEqual(tempo.command, ['-config.file=/etc/tempo/tempo.yaml', '-config.expand-env=true']);
      assert.ok(tempo.env.S3_ACCESS_KEY && tempo.env.S3_SECRET_KEY);
    });

    test('runs as the image user and writes only inside the volume mounted on the directory the image owns', () => {
      const tempo = byPart(views, 'tempo');
      assert.equal(tempo.raw.inputs.user, undefined, 'no user override: the image runs as 10001');
      assert.deepEqual(tempo.volumes.map((v) => v.containerPath), ['/var/tempo']);
      const config = upload(tempo, 'tempo.yaml');
      const paths = absolutePaths(config);
      assert.ok(paths.length >= 3);
      for (const path of paths) assert.ok(path.startsWith('/var/tempo/'), `${path} is on the volume`);
    });
  });

  describe('Loki 3.7', () => {
    test('every key is in the 3.7 reference', () => {
      assertKnownKeys('loki config.yaml', leafPaths(upload(byPart(views, 'loki'), 'config.yaml')), loki37.keys);
    });

    test('single binary: in-memory ring advertised on loopback, one replica', () => {
      const common = upload(byPart(views, 'loki'), 'config.yaml').common;
      assert.equal(common.ring.kvstore.store, 'inmemory');
      assert.equal(common.instance_addr, '127.0.0.1');
      assert.equal(common.replication_factor, 1);
    });

    test('schema v13 on TSDB and S3, structured metadata on, OTLP defaults kept (service_name label)', () => {
      const config = upload(byPart(views, 'loki'), 'config.yaml');
      for (const period of config.schema_config.configs) {
        assert.deepEqual([period.schema, period.store, period.object_store], ['v13', 'tsdb', 's3']);
        assert.equal(period.index.period, '24h', 'TSDB needs a 24h index period');
      }
      assert.equal(config.limits_config.allow_structured_metadata, true);
      assert.equal(config.limits_config.otlp_config, undefined, 'no OTLP override that could drop service.name');
      assert.equal(config.auth_enabled, false);
    });

    test('S3 on MinIO, retention by the compactor with its delete-request store', () => {
      const config = upload(byPart(views, 'loki'), 'config.yaml');
      const s3 = config.common.storage.s3;
      assert.match(s3.endpoint, /^[a-z0-9-]+-minio:9000$/);
      assert.equal(s3.insecure, true);
      assert.equal(s3.s3forcepathstyle, true);
      assert.equal(s3.access_key_id, '${S3_ACCESS_KEY}');
      assert.equal(config.compactor.retention_enabled, true);
      assert.equal(config.compactor.delete_request_store, config.schema_config.configs.at(-1).object_store);
      assert.match(config.limits_config.retention_period, /^\d+h$/);
      assert.equal(Number.parseInt(config.limits_config.retention_period, 10) % 24, 0, 'retention is whole index periods');
    });

    test('runs as the image user and writes only inside the volume mounted on the directory the image owns', () => {
      const loki = byPart(views, 'loki');
      assert.equal(loki.raw.inputs.user, undefined);
      assert.deepEqual(loki.volumes.map((v) => v.containerPath), ['/loki']);
      const config = upload(loki, 'config.yaml');
      const paths = absolutePaths(config);
      assert.ok(paths.length >= 2);
      for (const path of paths) assert.ok(path === '/loki' || path.startsWith('/loki/'), `${path} is on the volume`);
    });

    test("health check with the binary's own -health command against /ready on its port, and waited for", () => {
      const loki = byPart(views, 'loki');
      const port = upload(loki, 'config.yaml').server.http_listen_port;
      assert.deepEqual(loki.healthcheck?.tests, ['CMD', '/usr/bin/loki', '-health', `-health.url=http://localhost:${port}/ready`]);
      assert.equal(loki.raw.inputs.wait, true);
      assert.deepEqual(loki.command, ['-config.file=/etc/loki/config.yaml', '-config.expand-env=true']);
    });
  });

  describe('Collector contrib 0.161', () => {
    const config = () => upload(byPart(views, 'otel-collector'), 'config.yaml');

    test('every key is in the 0.161 reference, and every component type exists in that version', () => {
      const stripName = (key: string, depth: number) => (depth === 1 ? key.split('/')[0]! : key);
      assertKnownKeys('collector config.yaml', leafPaths(config(), '', stripName), collector161.keys);
      for (const [section, types] of Object.entries(collector161.componentTypes)) {
        for (const id of Object.keys(config()[section])) {
          assert.ok((types as readonly string[]).includes(id.split('/')[0]!), `${section} ${id}`);
        }
      }
      const pipelines = Object.values<any>(config().service.pipelines);
      for (const pipeline of pipelines) {
        for (const [section, ids] of Object.entries<string[]>({ receivers: pipeline.receivers, processors: pipeline.processors, exporters: pipeline.exporters })) {
          for (const id of ids) assert.ok(id in config()[section], `pipeline uses declared ${section} ${id}`);
        }
      }
    });

    test('own metrics pulled on every interface at 8888, health_check on every interface', () => {
      const telemetry = config().service.telemetry.metrics;
      assert.equal(telemetry.readers.length, 1);
      assert.equal(telemetry.readers[0].pull.exporter.prometheus.host, '0.0.0.0');
      assert.equal(telemetry.readers[0].pull.exporter.prometheus.port, 8888);
      assert.equal(config().extensions.health_check.endpoint, '0.0.0.0:13133');
      assert.deepEqual(config().service.extensions, ['health_check']);
    });

    test('memory limiter in MiB below the container limit (memory-limits.test.ts), before anything else', () => {
      const limiter = config().processors.memory_limiter;
      assert.ok(limiter.spike_limit_mib < limiter.limit_mib);
      assert.match(limiter.check_interval, /^\d+(ms|s)$/);
      for (const pipeline of Object.values<any>(config().service.pipelines)) assert.equal(pipeline.processors[0], 'memory_limiter');
    });

    test('logs to Loki and metrics to Prometheus over OTLP HTTP base URLs (the exporter appends /v1/<signal>)', () => {
      const exporters = config().exporters;
      const logs = config().service.pipelines.logs.exporters.map((id: string) => exporters[id].endpoint);
      const metrics = config().service.pipelines.metrics.exporters.map((id: string) => exporters[id].endpoint);
      assert.deepEqual(logs.length, 1);
      assert.match(logs[0], /^http:\/\/[a-z0-9-]+-loki:3100\/otlp$/);
      assert.match(metrics[0], /^http:\/\/[a-z0-9-]+-prometheus:9090\/api\/v1\/otlp$/);
      assert.equal(byPart(views, 'otel-collector').command.join(' '), '--config=/etc/otelcol-contrib/config.yaml');
    });
  });

  describe('Pyroscope 2.2', () => {
    test('on the version line its keys were read from; every key is in the 2.2 reference', () => {
      const pyroscope = byPart(views, 'pyroscope');
      assert.match(images.pyroscope, pyroscope22.imageLine);
      assert.equal(pyroscope.image, images.pyroscope);
      assertKnownKeys('pyroscope lab.yaml', leafPaths(upload(pyroscope, 'lab.yaml')), pyroscope22.keys);
    });

    test('profiles on their own MinIO bucket, path-style over plain HTTP, credentials from the environment', () => {
      const pyroscope = byPart(views, 'pyroscope');
      const config = upload(pyroscope, 'lab.yaml');
      assert.equal(config.storage.backend, 's3');
      const s3 = config.storage.s3;
      assert.match(s3.endpoint, /^[a-z0-9-]+-minio:9000$/, 'host:port, no scheme');
      assert.equal(s3.insecure, true);
      assert.ok((pyroscope22.bucketLookupTypes as readonly string[]).includes(s3.bucket_lookup_type));
      assert.equal(s3.bucket_lookup_type, 'path-style');
      assert.equal(s3.access_key_id, '${S3_ACCESS_KEY}');
      assert.equal(s3.secret_access_key, '${S3_SECRET_KEY}');
      assert.deepEqual(pyroscope.command, ['-config.file=/etc/pyroscope/lab.yaml', '-config.expand-env=true']);
      assert.ok(pyroscope.env.S3_ACCESS_KEY && pyroscope.env.S3_SECRET_KEY);
      const buckets = byPart(views, 'minio-buckets').command[0]!;
      assert.ok(buckets.includes(`mc mb --ignore-existing lab/${s3.bucket_name}`), 'the bucket job creates its bucket');
      for (const other of ['loki', 'tempo']) assert.ok(!JSON.stringify(upload(byPart(views, other), `${other === 'loki' ? 'config' : 'tempo'}.yaml`)).includes(s3.bucket_name));
      assert.equal(pyroscope.labels['lab.requires.buckets'] !== undefined, true, 'created only after the bucket job succeeded');
    });

    test('runs as the image user with its data directory on a volume, publishes no host port, does not profile itself', () => {
      const pyroscope = byPart(views, 'pyroscope');
      assert.equal(pyroscope.raw.inputs.user, undefined, 'no user override: the image runs as 10001');
      assert.deepEqual(pyroscope.volumes.map((v) => v.containerPath), ['/data']);
      assert.deepEqual(pyroscope.ports.filter((p) => p.external !== undefined), []);
      const config = upload(pyroscope, 'lab.yaml');
      assert.equal(config.self_profiling.disable_push, true);
      assert.equal(config.analytics.reporting_enabled, false);
    });

    test('each replica pushes its profiles to Pyroscope over the telemetry network', () => {
      const pyroscope = byPart(views, 'pyroscope');
      const replicas = views.filter((v) => /^shop-api-\d+$/.test(v.labels['lab.part'] ?? ''));
      assert.ok(replicas.length >= 1, 'replicas found');
      for (const replica of replicas) {
        assert.equal(replica.env.PYROSCOPE_SERVER_ADDRESS, `http://${pyroscope.name}:4040`, replica.name);
        assert.ok(replica.networks.some((n) => pyroscope.networks.includes(n)), `${replica.name} shares a network with Pyroscope`);
      }
    });
  });

  describe('MinIO', () => {
    test('server: API and console addresses, root credentials from env, data on the volume, mc ready as health check', () => {
      const minio = byPart(views, 'minio');
      assert.deepEqual(minio.command, ['server', '/data', '--address', ':9000', '--console-address', ':9001']);
      assert.ok(minio.env.MINIO_ROOT_USER && minio.env.MINIO_ROOT_PASSWORD);
      assert.ok(minio.env.MINIO_ROOT_PASSWORD.length >= 8, 'MinIO refuses a root password under 8 characters');
      assert.deepEqual(minio.volumes.map((v) => v.containerPath), ['/data']);
      // The server image ships mc, whose built-in `local` alias is http://localhost:9000.
      assert.deepEqual(minio.healthcheck?.tests, ['CMD', 'mc', 'ready', 'local']);
      assert.equal(minio.raw.inputs.wait, true);
    });

    test('bucket job: one alias to the server with the root credentials, then idempotent mc mb per bucket', () => {
      const job = byPart(views, 'minio-buckets');
      const minio = byPart(views, 'minio');
      assert.equal(job.image, images.minioClient);
      assert.deepEqual(job.entrypoints, ['/bin/sh', '-c']);
      assert.equal(job.command.length, 1);
      const steps = job.command[0]!.split(' && ');
      // The alias is retried (bounded) while MinIO starts, then `mc ready` waits for the server to serve.
      assert.ok(steps[0]!.includes(`until mc alias set lab http://${minio.name}:9000 "$MINIO_ROOT_USER" "$MINIO_ROOT_PASSWORD"; do`), steps[0]);
      assert.match(steps[0]!, /\[ "\$attempt" -lt 30 \] \|\| exit 1/);
      assert.equal(steps[1], 'mc ready lab');
      assert.ok(steps.length >= 4);
      for (const step of steps.slice(2)) assert.match(step, /^mc mb --ignore-existing lab\/[a-z0-9][a-z0-9.-]{2,62}$/);
      assert.equal(job.env.MINIO_ROOT_USER, minio.env.MINIO_ROOT_USER);
      assert.equal(job.env.MINIO_ROOT_PASSWORD, minio.env.MINIO_ROOT_PASSWORD);
    });
  });
});
