/**
 * The generated config files: they parse, say what the upstream docs of the pinned versions require, and
 * pass the real checker where this machine has it (`promtool`, Debian's prometheus package).
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { stringify } from 'yaml';
import { grafanaDatasourceUids } from '@lab/dashboards';
import { identifyingResourceAttributes, prometheus3OnlyKeys } from '../src/configs/prometheus';
import { runProgram } from './harness';
import { grafanaTracesToProfiles } from './upstream-keys';
import { byPart, containers, type ContainerView, upload } from './graph';

// .ci/run unpacks it without installing Debian's package and names it in PROMTOOL.
const promtoolPath = process.env.PROMTOOL ?? 'promtool';
const promtool = spawnSync(promtoolPath, ['--version'], { encoding: 'utf8' });
const hasPromtool = promtool.status === 0;


describe('generated configs', () => {
  let views: ContainerView[];
  before(async () => {
    views = containers((await runProgram({ stack: 'dev' })).resources);
  });

  test('every uploaded YAML or JSON file parses to an object', () => {
    let count = 0;
    for (const view of views) {
      for (const upload of view.uploads.filter((u) => /\.(ya?ml|json)$/.test(u.file))) {
        assert.equal(typeof upload.document, 'object', upload.file);
        assert.notEqual(upload.document, null, upload.file);
        count += 1;
      }
    }
    assert.ok(count >= 9);
  });

  test('promtool accepts the Prometheus config and every rule file', { skip: !hasPromtool && 'promtool is not installed' }, () => {
    const prometheus = byPart(views, 'prometheus');
    const dir = mkdtempSync(join(tmpdir(), 'prometheus-config-'));
    const rulesDir = join(dir, 'rules');
    mkdirSync(rulesDir);
    const rules = prometheus.uploads.filter((u) => u.file.startsWith('/etc/prometheus/rules/'));
    assert.ok(rules.length >= 1);
    for (const rule of rules) {
      const path = join(rulesDir, rule.file.split('/').pop()!);
      writeFileSync(path, rule.content);
      execFileSync(promtoolPath, ['check', 'rules', path], { encoding: 'utf8' });
    }
    // promtool 2.42 predates the Prometheus 3 `otlp` block and the retention in the config file: strip
    // exactly the paths listed as 3-only, and point rule_files at the copies so `check config` loads them.
    const config = structuredClone(upload(prometheus, 'prometheus.yml')) as Record<string, any>;
    for (const path of prometheus3OnlyKeys) {
      const keys = path.split('.');
      const parent = keys.slice(0, -1).reduce((node, key) => node?.[key], config);
      const last = keys.at(-1)!;
      assert.ok(parent && last in parent, `${path} is in the config`);
      delete parent[last];
    }
    config.rule_files = [join(rulesDir, '*.yml')];
    const configPath = join(dir, 'prometheus.yml');
    writeFileSync(configPath, stringify(config));
    const out = execFileSync(promtoolPath, ['check', 'config', configPath], { encoding: 'utf8' });
    assert.match(out, /is valid prometheus config file syntax/);
    assert.match(out, new RegExp(`SUCCESS: ${rules.length} rule files found`));
  });

  test('Prometheus keeps exemplars, takes OTLP and remote writes, and promotes the resource attributes', () => {
    const prometheus = byPart(views, 'prometheus');
    const config = upload(prometheus, 'prometheus.yml');
    // Prometheus 3 names OTLP metrics this way (http_server_request_duration_seconds_bucket ...).
    assert.equal(config.otlp.translation_strategy, 'UnderscoreEscapingWithSuffixes');
    // service.name / service.instance.id already become job / instance: promoting them duplicates labels.
    for (const attribute of identifyingResourceAttributes) {
      assert.ok(!config.otlp.promote_resource_attributes.includes(attribute), `${attribute} is not promoted`);
    }
    assert.ok(config.otlp.promote_resource_attributes.includes('service.version'));
    assert.equal(config.rule_files[0], '/etc/prometheus/rules/*.yml');
    assert.deepEqual(
      config.scrape_configs.map((s: { job_name: string }) => s.job_name).sort(),
      ['alertmanager', 'fault-controller', 'flagd', 'loki', 'otel-collector', 'postgres-exporter', 'prometheus', 'pyroscope', 'redis-exporter', 'tempo', 'toxiproxy', 'traefik'],
    );
  });

  test('the Collector: OTLP receivers on all interfaces, memory limiter in every pipeline, batching in every exporter', () => {
    const config = upload(byPart(views, 'otel-collector'), 'config.yaml');
    assert.equal(config.receivers.otlp.protocols.grpc.endpoint, '0.0.0.0:4317');
    assert.equal(config.receivers.otlp.protocols.http.endpoint, '0.0.0.0:4318');
    for (const [name, pipeline] of Object.entries<any>(config.service.pipelines)) {
      // The memory limiter first; traces then get the sampling-ratio stamp (platform-graph.test.ts).
      assert.deepEqual(pipeline.processors, name === 'traces' ? ['memory_limiter', 'transform'] : ['memory_limiter'], name);
      for (const exporter of pipeline.exporters) {
        assert.ok(exporter in config.exporters, `${name} uses a declared exporter`);
        assert.deepEqual(config.exporters[exporter].sending_queue, { enabled: true, batch: {} }, `${exporter} batches`);
      }
    }
    assert.deepEqual(Object.keys(config.service.pipelines).sort(), ['logs', 'metrics', 'traces']);
  });

  test('Tempo: receivers on all interfaces, S3 on MinIO path-style, service graph and span metrics enabled', () => {
    const tempo = byPart(views, 'tempo');
    const config = upload(tempo, 'tempo.yaml');
    for (const protocol of Object.values<any>(config.distributor.receivers.otlp.protocols)) {
      assert.match(protocol.endpoint, /^0\.0\.0\.0:/);
    }
    assert.equal(config.storage.trace.backend, 's3');
    assert.equal(config.storage.trace.s3.forcepathstyle, true);
    assert.equal(config.storage.trace.s3.bucket, 'tempo-traces');
    assert.equal(config.storage.trace.s3.access_key, '${S3_ACCESS_KEY}');
    assert.ok(tempo.command.includes('-config.expand-env=true'));
    assert.ok(tempo.env.S3_ACCESS_KEY && tempo.env.S3_SECRET_KEY);
    assert.deepEqual(config.overrides.defaults.metrics_generator.processors.slice(0, 2), ['service-graphs', 'span-metrics']);
  });

  test('Loki: schema v13 on TSDB, structured metadata on, S3 on MinIO path-style, retention with a delete-request store', () => {
    const loki = byPart(views, 'loki');
    const config = upload(loki, 'config.yaml');
    const schema = config.schema_config.configs.at(-1);
    assert.equal(schema.schema, 'v13');
    assert.equal(schema.store, 'tsdb');
    assert.equal(config.limits_config.allow_structured_metadata, true);
    assert.equal(config.common.storage.s3.s3forcepathstyle, true);
    assert.equal(config.common.storage.s3.bucketnames, 'loki-chunks');
    assert.equal(config.compactor.retention_enabled, true);
    assert.equal(config.compactor.delete_request_store, 's3');
    assert.ok(loki.command.includes('-config.expand-env=true'));
  });

  test('MinIO: the bucket job creates exactly the buckets Loki and Tempo use', () => {
    const job = byPart(views, 'minio-buckets').command.join(' ');
    const loki = upload(byPart(views, 'loki'), 'config.yaml').common.storage.s3.bucketnames;
    const tempo = upload(byPart(views, 'tempo'), 'tempo.yaml').storage.trace.s3.bucket;
    const pyroscope = upload(byPart(views, 'pyroscope'), 'lab.yaml').storage.s3.bucket_name;
    assert.equal(new Set([loki, tempo, pyroscope]).size, 3, 'one bucket per tenant');
    for (const bucket of [loki, tempo, pyroscope]) assert.match(job, new RegExp(`mc mb --ignore-existing lab/${bucket}(\\s|$)`));
  });

  test('Grafana: datasources with explicit uids, linked to each other by those uids, macros escaped for provisioning', () => {
    const grafana = byPart(views, 'grafana');
    const file = upload(grafana, 'datasources.yaml');
    const byType = Object.fromEntries(file.datasources.map((d: any) => [d.type, d]));
    const uids = grafanaDatasourceUids;
    assert.equal(byType.prometheus.uid, uids.prometheus);
    assert.equal(byType.loki.uid, uids.loki);
    assert.equal(byType.tempo.uid, uids.tempo);
    assert.equal(byType['grafana-pyroscope-datasource'].uid, uids.pyroscope);
    assert.equal(byType['grafana-pyroscope-datasource'].url, `http://${byPart(views, 'pyroscope').name}:4040`);
    const existing = new Set(file.datasources.map((d: any) => d.uid));
    const linked = [
      byType.prometheus.jsonData.exemplarTraceIdDestinations[0].datasourceUid,
      byType.loki.jsonData.derivedFields[0].datasourceUid,
      byType.tempo.jsonData.tracesToLogsV2.datasourceUid,
      byType.tempo.jsonData.tracesToMetrics.datasourceUid,
      byType.tempo.jsonData.serviceMap.datasourceUid,
      byType.tempo.jsonData.tracesToProfiles.datasourceUid,
    ];
    for (const uid of linked) assert.ok(existing.has(uid), `link to ${uid} resolves`);
    for (const destination of byType.prometheus.jsonData.exemplarTraceIdDestinations) {
      assert.ok(existing.has(destination.datasourceUid), `exemplar link ${destination.name} resolves`);
    }
    // The app's OTLP exemplars are labelled trace_id; Tempo's span-metrics exemplars traceID.
    assert.deepEqual(
      byType.prometheus.jsonData.exemplarTraceIdDestinations.map((d: any) => d.name).sort(),
      ['traceID', 'trace_id'],
    );
    const toLogs = byType.tempo.jsonData.tracesToLogsV2;
    assert.deepEqual(toLogs.tags, [{ key: 'service.name', value: 'service_name' }]);
    assert.equal(toLogs.customQuery, true);
    assert.equal(toLogs.query, '{$${__tags}} | trace_id="$${__trace.traceId}"');
    assert.deepEqual(byType.tempo.jsonData.tracesToMetrics.tags, [{ key: 'service.name', value: 'service' }]);
    // Traces to profiles: the span's service as Pyroscope's service_name, the CPU type the service pushes;
    // the link narrows to the span by its pyroscope.profile.id (what the service sets on root spans).
    const toProfiles = byType.tempo.jsonData.tracesToProfiles;
    for (const key of Object.keys(toProfiles)) assert.ok((grafanaTracesToProfiles.keys as readonly string[]).includes(key), `tracesToProfiles.${key}`);
    assert.equal(toProfiles.datasourceUid, uids.pyroscope);
    assert.deepEqual(toProfiles.tags, [{ key: 'service.name', value: 'service_name' }]);
    assert.equal(toProfiles.profileTypeId, 'wall:cpu:nanoseconds:wall:nanoseconds');
    assert.equal(toProfiles.customQuery, false);
    assert.equal(byType.tempo.jsonData.nodeGraph.enabled, true);
    assert.equal(byType.loki.jsonData.derivedFields[0].matcherType, 'label');
    assert.equal(byType.loki.jsonData.derivedFields[0].matcherRegex, 'trace_id');
    // Grafana expands $VAR in provisioning files: every Grafana macro is written $$ so it survives.
    const raw = grafana.uploads.find((u) => u.file.endsWith('datasources.yaml'))!.content;
    assert.ok(!/(^|[^$])\$\{__/.test(raw), 'no unescaped ${__...} macro');
    assert.ok(raw.includes('$${__value.raw}'));
    assert.ok(raw.includes('$${__trace.traceId}'));
    assert.equal(grafana.env.GF_AUTH_ANONYMOUS_ENABLED, 'false');
  });

  test('Grafana provisions exactly the dashboards @lab/dashboards builds', async () => {
    const { buildDashboards } = await import('@lab/dashboards');
    const grafana = byPart(views, 'grafana');
    const providers = upload(grafana, 'providers.yaml');
    const dir = providers.providers[0].options.path;
    const provisioned = grafana.uploads.filter((u) => u.file.startsWith(`${dir}/`));
    const built = buildDashboards(grafanaDatasourceUids);
    assert.deepEqual(provisioned.map((u) => u.file).sort(), built.map((b) => `${dir}/${b.fileName}`).sort());
    for (const board of built) {
      const upload = provisioned.find((u) => u.file === `${dir}/${board.fileName}`)!;
      assert.deepEqual(upload.document, JSON.parse(JSON.stringify(board.dashboard)));
    }
  });

  test('Traefik: file provider only (no Docker socket), metrics and traces exported, dashboard on its own entry point', () => {
    const traefik = byPart(views, 'traefik');
    const config = upload(traefik, 'traefik.yml');
    assert.deepEqual(Object.keys(config.providers), ['file']);
    assert.equal(config.metrics.prometheus.entryPoint, 'metrics');
    assert.match(config.tracing.otlp.http.endpoint, /^http:\/\/observability-lab-dev-otel-collector:4318\/v1\/traces$/);
    assert.equal(config.api.dashboard, true);
    assert.ok(traefik.volumes.every((v) => !String(v.containerPath).includes('docker.sock')));
  });
});
