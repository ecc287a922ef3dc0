import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { plannedDurationSeconds } from '@lab/load';
import { assertJobSucceeded } from '../src/targets/docker/container';
import { mockSecretPrefix, runProgram, type ProgramRun } from './harness';
import { byPart, containers, isSecretValue, strings, unwrap, type ContainerView } from './graph';
import { traceSampleRatioAttribute } from '../src/configs/sampling';
import { redisConfigPath } from '../src/configs/redis';

const parts = [
  'postgres',
  'redis',
  'minio',
  'minio-buckets',
  'postgres-exporter',
  'redis-exporter',
  'prometheus',
  'alertmanager',
  'tempo',
  'loki',
  'pyroscope',
  'pyroscope-ready',
  'otel-collector',
  'otel-collector-ready',
  'tempo-ready',
  'shop-api-migrate',
  'shop-api-1',
  'shop-api-2',
  'traefik',
  'grafana',
  'grafana-admin-check',
  'k6',
  'toxiproxy',
  'toxiproxy-ready',
  'flagd',
  'flagd-ready',
  'flagd-files',
  'fault-controller',
];

const components = [
  'lab:platform:Networks',
  'lab:platform:Postgres',
  'lab:platform:Redis',
  'lab:platform:Minio',
  'lab:platform:PostgresExporter',
  'lab:platform:RedisExporter',
  'lab:platform:Prometheus',
  'lab:platform:Alertmanager',
  'lab:platform:Tempo',
  'lab:platform:Loki',
  'lab:platform:Pyroscope',
  'lab:platform:Collector',
  'lab:platform:ShopService',
  'lab:platform:Traefik',
  'lab:platform:Grafana',
  'lab:platform:LoadTest',
  'lab:platform:Toxiproxy',
  'lab:platform:Flagd',
  'lab:platform:FaultController',
];

describe('the platform graph with default config', () => {
  let run: ProgramRun;
  let views: ContainerView[];
  before(async () => {
    run = await runProgram({ stack: 'dev' });
    views = containers(run.resources);
  });

  test('every part is present, once, as a component and a container', () => {
    for (const type of components) {
      assert.equal(run.resources.filter((r) => r.type === type).length, 1, `one ${type}`);
    }
    assert.deepEqual(views.map((v) => v.labels['lab.part']).sort(), [...parts].sort());
    assert.equal(run.resources.filter((r) => r.type === 'docker:index/network:Network').length, 3);
    assert.equal(run.resources.filter((r) => r.type === 'docker:index/image:Image').length, 1);
  });

  test('the service image is built from service/Dockerfile with the repository root as context, never pushed', () => {
    const image = unwrap(run.resources.find((r) => r.type === 'docker:index/image:Image')!.inputs);
    assert.equal(image.skipPush, true);
    assert.match(image.build.dockerfile, /\/service\/Dockerfile$/);
    assert.equal(`${image.build.context}/service/Dockerfile`, image.build.dockerfile);
    for (const part of ['shop-api-migrate', 'shop-api-1', 'shop-api-2']) {
      assert.equal(byPart(views, part).image, 'sha256:0123456789abcdef', `${part} runs the built image by id`);
    }
    assert.deepEqual(byPart(views, 'shop-api-migrate').command, ['node', 'dist/migrate.js']);
  });

  test('every container, network and volume name carries project and stack', () => {
    const named = run.resources.filter((r) => r.type.startsWith('docker:index/') && r.type !== 'docker:index/image:Image' && r.type !== 'docker:index/remoteImage:RemoteImage');
    assert.ok(named.length > 20);
    for (const r of named) {
      assert.match(unwrap(r.inputs).name, /^observability-lab-dev-/, `${r.type} ${r.name}`);
    }
    for (const view of views) {
      assert.equal(view.labels['lab.stack'], 'dev');
      assert.equal(view.labels['lab.project'], 'observability-lab');
    }
  });

  test('no container bind-mounts a host path; volumes are named and carry the stack', () => {
    for (const view of views) {
      for (const volume of view.volumes) {
        assert.equal(volume.hostPath, undefined, `${view.name} mounts a host path`);
        assert.match(volume.volumeName ?? '', /^observability-lab-dev-/);
      }
      assert.equal(view.raw.inputs.mounts, undefined, `${view.name} has mounts`);
    }
  });

  test('config files reach their containers as uploads, one config-file resource each', () => {
    const files = run.resources.filter((r) => r.type === 'lab:config:File');
    const uploaded = views.flatMap((v) => v.uploads.map((u) => u.file));
    // A live file (flagd's flags) is uploaded to its writer, which renames it into the part's volume.
    const liveWritten = views.filter((v) => v.labels['lab.part']!.endsWith('-files')).flatMap((v) => v.uploads.map((u) => u.file.slice(u.file.lastIndexOf('/'))));
    for (const file of files) {
      const path = file.inputs.path as string;
      assert.ok(uploaded.includes(path) || (path.startsWith('/etc/flagd/live/') && liveWritten.includes(path.slice(path.lastIndexOf('/')))), `${path} is uploaded`);
    }
    for (const path of [
      '/etc/otelcol-contrib/config.yaml',
      '/etc/tempo/tempo.yaml',
      '/etc/loki/config.yaml',
      '/etc/prometheus/prometheus.yml',
      '/etc/prometheus/rules/platform.yml',
      '/etc/grafana/provisioning/datasources/datasources.yaml',
      '/etc/grafana/provisioning/dashboards/providers.yaml',
      '/etc/traefik/traefik.yml',
      '/etc/traefik/dynamic/routes.yml',
    ]) {
      assert.ok(files.some((f) => f.inputs.path === path), `a config-file resource for ${path}`);
    }
    // Each reading container labels the hash of what it reads, so a change replaces exactly the readers.
    for (const view of views) {
      for (const u of view.uploads.filter((u) => files.some((f) => f.inputs.path === u.file))) {
        assert.match(view.labels[`lab.config${u.file.replaceAll('/', '.')}`] ?? '', /^[0-9a-f]{64}$/);
      }
    }
  });

  test('secrets come only from random resources and travel only in environment variables', () => {
    const randomPasswords = run.resources.filter((r) => r.type === 'random:index/randomPassword:RandomPassword');
    const generated = new Set(randomPasswords.map((r) => `${mockSecretPrefix}${r.name}`));
    assert.ok(generated.size >= 4);
    const secretKeys = /(PASSWORD|PASS|SECRET_KEY|ACCESS_KEY|DATABASE_URL|REDIS_URL)$/;
    for (const view of views) {
      for (const [key, value] of Object.entries(view.env)) {
        if (!secretKeys.test(key)) continue;
        if (key === 'S3_ACCESS_KEY' || key === 'MINIO_ROOT_USER') continue; // a random user name, not a password
        assert.ok([...generated].some((secret) => value.includes(secret)), `${view.name} ${key} is a generated secret`);
      }
      // And the env of every container carrying one is itself a secret in state.
      if (Object.values(view.env).some((v) => v.includes(mockSecretPrefix))) {
        assert.ok(isSecretValue(view.raw.inputs.envs), `${view.name} envs are marked secret`);
      }
      // Redis takes its password only from its config file (no env, no flag): that upload alone may hold
      // one, and only as a secret.
      for (const [index, file] of view.uploads.entries()) {
        if (!file.content.includes(mockSecretPrefix)) continue;
        assert.equal(file.file, redisConfigPath, `${view.name} has a secret in ${file.file}`);
        assert.ok(isSecretValue(view.raw.inputs.uploads) || isSecretValue(view.raw.inputs.uploads[index].content), `${file.file} is a secret in state`);
      }
      const elsewhere = [...view.command, ...view.entrypoints, ...Object.values(view.labels)];
      for (const text of elsewhere) {
        assert.ok(!text.includes(mockSecretPrefix), `${view.name} has a secret outside its env: ${text.slice(0, 80)}`);
      }
    }
    // Nothing else holds a password literal: every PASSWORD-like env value is accounted for above.
    const allText = views.flatMap((v) => strings(v.env));
    assert.ok(allText.every((t) => !/password=(?!mock-secret-)/i.test(t)));
  });

  test('published ports bind loopback and come from config; Postgres, Redis and MinIO publish nothing', () => {
    const published = views.filter((v) => v.ports.length > 0).map((v) => v.labels['lab.part']).sort();
    assert.deepEqual(published, ['alertmanager', 'grafana', 'prometheus', 'traefik']);
    for (const view of views) {
      for (const port of view.ports) {
        assert.equal(port.ip, '127.0.0.1', `${view.name} publishes ${port.internal} on ${port.ip}`);
        assert.ok(port.external, `${view.name} publishes ${port.internal} on a fixed port`);
      }
    }
    assert.deepEqual(byPart(views, 'traefik').ports.map((p) => p.external).sort(), [8000, 8080]);
    assert.deepEqual(byPart(views, 'grafana').ports.map((p) => p.external), [3000]);
    assert.deepEqual(byPart(views, 'prometheus').ports.map((p) => p.external), [9090]);
    assert.deepEqual(byPart(views, 'alertmanager').ports.map((p) => p.external), [9093]);
  });

  test('long-running parts whose image has the tools for it have health checks and are waited for', () => {
    for (const part of ['postgres', 'redis', 'minio', 'postgres-exporter', 'redis-exporter', 'prometheus', 'alertmanager', 'grafana', 'traefik', 'shop-api-1', 'shop-api-2']) {
      const view = byPart(views, part);
      assert.ok(view.healthcheck && view.healthcheck.tests.length > 1, `${part} has a health check`);
      assert.equal(view.raw.inputs.wait, true, `${part} is waited for until healthy`);
    }
    assert.deepEqual(byPart(views, 'postgres').healthcheck!.tests.slice(0, 2), ['CMD', 'pg_isready']);
  });

  test('one-shot jobs are attached so their exit code and logs come back', () => {
    for (const part of ['shop-api-migrate', 'minio-buckets', 'k6']) {
      const view = byPart(views, part);
      assert.equal(view.oneShot, true, part);
      assert.equal(view.raw.inputs.mustRun, false, part);
      assert.equal(view.raw.inputs.logs, true, part);
      assert.equal(view.raw.inputs.restart, 'no', part);
    }
    assert.deepEqual(run.outputs.k6Result, {
      scenario: 'smoke',
      exitCode: 0,
      passed: true,
      summary: 'logs of k6\n     checks.........: 100.00% 12 out of 12',
      plannedSeconds: plannedDurationSeconds('smoke', { SERVICE_NAME: 'shop-api' }),
    });
  });

  test('stack outputs: URLs, the admin user, and the password as a generated secret', () => {
    assert.equal(run.outputs.appUrl, 'http://shop.localhost:8000');
    assert.equal(run.outputs.grafanaUrl, 'http://127.0.0.1:3000');
    assert.equal(run.outputs.prometheusUrl, 'http://127.0.0.1:9090');
    assert.equal(run.outputs.traefikDashboardUrl, 'http://127.0.0.1:8080/dashboard/');
    assert.equal(run.outputs.minioConsoleUrl, 'http://minio.localhost:8000');
    assert.equal(run.outputs.grafanaAdminUser, 'admin');
    assert.equal(run.outputs.grafanaAdminPassword, `${mockSecretPrefix}grafana-admin-password`);
    assert.equal(byPart(views, 'grafana').env.GF_SECURITY_ADMIN_PASSWORD, run.outputs.grafanaAdminPassword);
    assert.equal(byPart(views, 'grafana').env.GF_AUTH_ANONYMOUS_ENABLED, 'false');
  });

  test('networks are segmented by role and each container joins only what it needs', () => {
    const role = (name: string) => name.replace('observability-lab-dev-', '');
    const membership = Object.fromEntries(views.map((v) => [v.labels['lab.part'], v.networks.map(role).sort()]));
    assert.deepEqual(membership, {
      postgres: ['data'],
      redis: ['data'],
      minio: ['telemetry'],
      'minio-buckets': ['telemetry'],
      'postgres-exporter': ['data', 'telemetry'],
      'redis-exporter': ['data', 'telemetry'],
      prometheus: ['telemetry'],
      alertmanager: ['telemetry'],
      tempo: ['telemetry'],
      loki: ['telemetry'],
      pyroscope: ['telemetry'],
      'pyroscope-ready': ['telemetry'],
      'otel-collector': ['telemetry'],
      'otel-collector-ready': ['telemetry'],
      'tempo-ready': ['telemetry'],
      'shop-api-migrate': ['data'],
      'shop-api-1': ['data', 'edge', 'telemetry'],
      'shop-api-2': ['data', 'edge', 'telemetry'],
      traefik: ['edge', 'telemetry'],
      grafana: ['telemetry'],
      'grafana-admin-check': ['telemetry'],
      k6: ['edge', 'telemetry'],
      // The failure lab: Toxiproxy fronts Postgres and Redis (data) and the Collector (telemetry); flagd's sync
      // reaches the replicas on data and its metrics Prometheus on telemetry; the controller talks to
      // Toxiproxy's API and is scraped, both on telemetry.
      toxiproxy: ['data', 'telemetry'],
      'toxiproxy-ready': ['telemetry'],
      flagd: ['data', 'telemetry'],
      'flagd-ready': ['telemetry'],
      // The live flag file's writer only touches a volume.
      'flagd-files': [],
      'fault-controller': ['telemetry'],
    });
    const data = run.resources.find((r) => r.type === 'docker:index/network:Network' && r.name === 'data')!;
    assert.equal(data.inputs.internal, true, 'the data network has no way out');
  });
});

describe('config drives the graph', () => {
  test('the replica count follows config, and Traefik balances over exactly those replicas', async () => {
    const run = await runProgram({ stack: 'three', config: { replicas: '3' } });
    const views = containers(run.resources);
    const replicas = views.filter((v) => /^shop-api-\d+$/.test(v.labels['lab.part'] ?? ''));
    assert.equal(replicas.length, 3);
    const routes = byPart(views, 'traefik').uploads.find((u) => u.file.endsWith('routes.yml'))!.document as any;
    assert.deepEqual(
      routes.http.services.shop.loadBalancer.servers.map((s: { url: string }) => s.url).sort(),
      replicas.map((r) => `http://${r.name}:8080`).sort(),
    );
    assert.equal(routes.http.services.shop.loadBalancer.healthCheck.path, '/health/ready');
    const ids = replicas.map((r) => r.env.OTEL_RESOURCE_ATTRIBUTES);
    assert.equal(new Set(ids).size, 3, 'each replica reports its own service.instance.id');
  });

  test('a config change touches exactly the containers that read the changed file', async () => {
    const configLabels = (views: ContainerView[]) =>
      Object.fromEntries(
        views.map((v) => [
          v.labels['lab.part'],
          Object.entries(v.labels).filter(([label]) => label.startsWith('lab.config')),
        ]),
      );
    const two = configLabels(containers((await runProgram({ stack: 'same', config: { replicas: '2' } })).resources));
    const three = configLabels(containers((await runProgram({ stack: 'same', config: { replicas: '3' } })).resources));
    const changed = Object.keys(two).filter((part) => JSON.stringify(two[part]) !== JSON.stringify(three[part]));
    assert.deepEqual(changed, ['traefik'], 'only Traefik reads the routes that list the replicas');
  });

  test('two stacks on one Docker host share no name', async () => {
    const a = containers((await runProgram({ stack: 'alpha' })).resources);
    const b = containers((await runProgram({ stack: 'beta' })).resources);
    const namesA = new Set(a.map((v) => v.name));
    assert.ok(b.every((v) => !namesA.has(v.name)));
  });

  test('ports and bind address come from config; k6 scenario and params change the k6 container', async () => {
    const run = await runProgram({
      stack: 'custom',
      config: {
        bindAddress: '127.0.0.2',
        grafanaPort: '13000',
        appHost: 'shop.test',
        k6Scenario: 'spike',
        k6Params: '["MAX_VUS=7"]',
      },
    });
    const views = containers(run.resources);
    assert.deepEqual(byPart(views, 'grafana').ports, [{ internal: 3000, external: 13000, ip: '127.0.0.2' }]);
    assert.equal(run.outputs.appUrl, 'http://shop.test:8000');
    const k6 = byPart(views, 'k6');
    assert.equal(k6.labels['lab.k6.scenario'], 'spike');
    assert.ok(k6.command.some((arg) => arg.includes('spike')), 'k6 runs the chosen scenario');
    assert.equal(k6.env.MAX_VUS, '7');
    assert.equal(k6.env.HOST_HEADER, 'shop.test');
  });

  test('the trace sample percentage sets the edge sampler and the replicas follow it', async () => {
    const sampledAll = containers((await runProgram({ stack: 'sampleall' })).resources);
    const sampled = containers((await runProgram({ stack: 'sample10', config: { traceSamplePercent: '10' } })).resources);
    const traefikRate = (views: ContainerView[]) =>
      (byPart(views, 'traefik').uploads.find((u) => u.file.endsWith('traefik.yml'))!.document as { tracing: { sampleRate: number } }).tracing.sampleRate;
    assert.equal(traefikRate(sampledAll), 1);
    assert.equal(traefikRate(sampled), 0.1);
    for (const part of ['shop-api-1', 'shop-api-2']) {
      assert.equal(byPart(sampled, part).env.OTEL_TRACES_SAMPLER, 'parentbased_traceidratio', 'the service follows the edge');
      assert.equal(byPart(sampled, part).env.OTEL_TRACES_SAMPLER_ARG, '0.1');
      assert.equal(byPart(sampledAll, part).env.OTEL_TRACES_SAMPLER_ARG, '1');
    }
  });

  test('under head sampling, the Collector stamps the ratio as a double and Tempo scales span metrics by it', async () => {
    const configOf = (views: ContainerView[], part: string, suffix: string) => byPart(views, part).uploads.find((u) => u.file.endsWith(suffix))!.document as any;
    const sampled = containers((await runProgram({ stack: 'sample1', config: { traceSamplePercent: '1' } })).resources);
    const sampledAll = containers((await runProgram({ stack: 'sampleall' })).resources);
    const stamp = (views: ContainerView[]) => configOf(views, 'otel-collector', 'config.yaml').processors.transform.trace_statements;
    // OTTL reads `0.01` and `1.0` as floats; a bare `1` would be an int, which Tempo's multiplier ignores.
    assert.deepEqual(stamp(sampled), [`set(resource.attributes["${traceSampleRatioAttribute}"], 0.01)`]);
    assert.deepEqual(stamp(sampledAll), [`set(resource.attributes["${traceSampleRatioAttribute}"], 1.0)`]);
    const pipelines = configOf(sampled, 'otel-collector', 'config.yaml').service.pipelines;
    assert.ok(pipelines.traces.processors.includes('transform'));
    assert.ok(!pipelines.metrics.processors.includes('transform') && !pipelines.logs.processors.includes('transform'));
    const generator = configOf(sampled, 'tempo', 'tempo.yaml').metrics_generator.processor;
    assert.equal(generator.span_metrics.span_multiplier_key, traceSampleRatioAttribute);
    assert.equal(generator.service_graphs.span_multiplier_key, traceSampleRatioAttribute);
  });

  test('a run longer than the attached limit (the hour-long soak) starts detached; the smoke runs attached', async () => {
    const soak = await runProgram({ stack: 'soak', config: { k6Scenario: 'soak' } });
    const k6 = byPart(containers(soak.resources), 'k6');
    assert.equal(k6.raw.inputs.attach, false);
    assert.equal(k6.raw.inputs.mustRun, false);
    const result = soak.outputs.k6Result as { passed: unknown; summary: string; plannedSeconds: number };
    assert.equal(result.passed, null);
    assert.match(result.summary, /docker logs -f /);
    assert.ok(result.plannedSeconds > 15 * 60);
    const shortSoak = await runProgram({ stack: 'shortsoak', config: { k6Scenario: 'soak', k6Params: '["DURATION=5m"]' } });
    assert.equal(byPart(containers(shortSoak.resources), 'k6').raw.inputs.attach, true);
  });

  test('k6 can be switched off', async () => {
    const run = await runProgram({ stack: 'nok6', config: { k6Enabled: 'false' } });
    assert.equal(containers(run.resources).filter((v) => v.labels['lab.part'] === 'k6').length, 0);
    assert.equal(run.outputs.k6Result, undefined);
  });
});

describe('dependency order', () => {
  test('replicas are created only after the migration has finished; Loki and Tempo only after the buckets exist', async () => {
    const run = await runProgram({ stack: 'order', delays: { 'shop-api-migrate': 150, 'minio-buckets': 150 } });
    const views = containers(run.resources);
    const migrate = byPart(views, 'shop-api-migrate').raw;
    const buckets = byPart(views, 'minio-buckets').raw;
    for (const part of ['shop-api-1', 'shop-api-2']) {
      const replica = byPart(views, part);
      assert.ok(replica.raw.registeredAt > migrate.registeredAt);
      assert.ok(replica.raw.completedAt >= migrate.completedAt, `${part} waits for the migration to finish`);
      assert.equal(replica.labels['lab.requires.migration'], migrate.inputs.name);
    }
    for (const part of ['loki', 'tempo']) {
      const view = byPart(views, part);
      assert.ok(view.raw.completedAt >= buckets.completedAt, `${part} waits for the bucket job`);
      assert.equal(view.labels['lab.requires.buckets'], unwrap(buckets.inputs).name);
    }
    // The bucket job itself waits for a healthy MinIO.
    assert.ok(buckets.registeredAt > byPart(views, 'minio').raw.registeredAt);
    // k6 runs last: after Traefik, the replicas and every backend it checks.
    const k6 = byPart(views, 'k6').raw;
    for (const part of ['traefik', 'shop-api-1', 'shop-api-2', 'tempo', 'loki', 'prometheus', 'grafana', 'otel-collector']) {
      assert.ok(k6.registeredAt > byPart(views, part).raw.registeredAt, `k6 after ${part}`);
    }
  });

  test('everything that connects to Postgres or Redis is created only once that server is up', async () => {
    const run = await runProgram({ stack: 'dataorder', delays: { postgres: 150, redis: 150 } });
    const views = containers(run.resources);
    const postgres = byPart(views, 'postgres').raw;
    const redis = byPart(views, 'redis').raw;
    for (const part of ['shop-api-migrate', 'shop-api-1', 'shop-api-2', 'postgres-exporter']) {
      assert.ok(byPart(views, part).raw.completedAt >= postgres.completedAt, `${part} waits for Postgres`);
    }
    for (const part of ['shop-api-1', 'shop-api-2', 'redis-exporter']) {
      assert.ok(byPart(views, part).raw.completedAt >= redis.completedAt, `${part} waits for Redis`);
    }
  });

  test('replicas drain as long as Traefik needs to notice them, within a Docker stop timeout that fits', async () => {
    const run = await runProgram({ stack: 'drain' });
    const views = containers(run.resources);
    const dynamic = byPart(views, 'traefik').uploads.find((u) => u.file.endsWith('routes.yml'))!.document as {
      http: { services: { shop: { loadBalancer: { healthCheck: { interval: string; timeout: string } } } } };
    };
    const { interval, timeout } = dynamic.http.services.shop.loadBalancer.healthCheck;
    const detectionMs = (parseInt(interval, 10) + parseInt(timeout, 10)) * 1000;
    for (const part of ['shop-api-1', 'shop-api-2']) {
      const replica = byPart(views, part);
      const drain = Number(replica.env.SHUTDOWN_DRAIN_DELAY_MS);
      const grace = Number(replica.env.SHUTDOWN_GRACE_MS);
      assert.equal(drain, detectionMs, `${part} drains until Traefik's health check has seen it fail`);
      assert.ok(grace > drain, `${part} keeps a budget for in-flight requests after draining`);
      assert.ok(replica.raw.inputs.stopTimeout * 1000 > grace, `${part}: Docker must not SIGKILL before the grace ends`);
    }
  });

  test('a one-shot job that exits non-zero fails the deployment, naming the job and showing its logs', () => {
    assert.throws(
      () => assertJobSucceeded('database migration', 'lab-dev-shop-api-migrate', 3, 'relation "items" already exists'),
      /database migration \(lab-dev-shop-api-migrate\) exited with code 3:\nrelation "items" already exists/,
    );
    assert.equal(assertJobSucceeded('database migration', 'lab-dev-shop-api-migrate', 0, ''), 'lab-dev-shop-api-migrate');
    // A failed job keeps its inputs, so a plain re-run would not run it again: the error says how to.
    assert.throws(
      () => assertJobSucceeded('database migration', 'lab-dev-shop-api-migrate', 1, 'boom', 'urn:pulumi:dev::lab::docker:index/container:Container::shop-api-migrate'),
      /pulumi up --replace 'urn:pulumi:dev::lab::docker:index\/container:Container::shop-api-migrate'/,
    );
  });
});
