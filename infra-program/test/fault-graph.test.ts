/**
 * The failure lab in the graph: a fault change reaches only the fault resources (flagd's flag file, the
 * fault controller's declaration), never a data store, replica, Traefik or Prometheus input, and nothing
 * else depends on those two (so their delete-before-replace replaces nothing else either).
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { faultScenario } from '@lab/dashboards';
import { faultFlags } from '@lab/service/fault-flags';
import { faultDeclaration } from '../src/configs/toxiproxy';
import { byPart, containers, unwrap, upload, type ContainerView } from './graph';
import { kubeParts } from './k8s-graph';
import { runProgram, type ProgramRun, type Recorded } from './harness';
import { flagd0161, toxiproxy212 } from './upstream-keys';

const faults = {
  postgres: { latencyMs: 300, jitterMs: 50 },
  redis: { down: true },
  collector: { resetPeerMs: 100, toxicity: '0.5' },
  app: {
    errorRate: { ratio: '0.25', routes: ['/api/items/:id'] },
    latency: { ms: 200 },
    cacheBypass: true,
    slowQueryMs: 100,
    cpuHogPercent: 30,
    memoryLeak: { mbPerMinute: 8, capMb: 64 },
  },
};

const key = (r: Recorded) => `${r.type}::${r.name}`;
const partOf = (r: Recorded) => (r.type === 'docker:index/container:Container' ? (unwrap(r.inputs).labels ?? []).find((l: any) => l.label === 'lab.part')?.value : undefined);

describe('a fault change', () => {
  let healthy: ProgramRun;
  let faulty: ProgramRun;
  let scenario: ProgramRun;
  before(async () => {
    // The same stack name, so every name and address is the same and only the faults differ.
    healthy = await runProgram({ stack: 'dev' });
    faulty = await runProgram({ stack: 'dev', config: { faults: JSON.stringify(faults) } });
    scenario = await runProgram({ stack: 'dev', config: { faultScenario: 'db-latency' } });
  });

  test("changes the inputs of flagd's file writer and the fault controller, and of nothing else", () => {
    const before = new Map(healthy.resources.filter((r) => r.custom).map((r) => [key(r), r]));
    const after = faulty.resources.filter((r) => r.custom);
    assert.equal(after.length, before.size, 'the same resources');
    const changed = after.filter((r) => JSON.stringify(unwrap(r.inputs)) !== JSON.stringify(unwrap(before.get(key(r))!.inputs)));
    assert.deepEqual(changed.map(partOf).sort(), ['fault-controller', 'flagd-files']);
  });

  test('replaces no flagd container: its inputs are the same under both fault settings, and its flag file changes under it', () => {
    const flagdBefore = byPart(containers(healthy.resources), 'flagd');
    const flagdAfter = byPart(containers(faulty.resources), 'flagd');
    assert.deepEqual(unwrap(flagdAfter.raw.inputs), unwrap(flagdBefore.raw.inputs), 'every input of the flagd container, ForceNew ones included');
    const uri = flagdAfter.command.find((arg) => arg.startsWith('--uri='))!.slice('--uri=file:'.length);
    const directory = uri.slice(0, uri.lastIndexOf('/'));
    const mount = flagdAfter.volumes.find((v) => v.containerPath === directory);
    assert.ok(mount, `flagd mounts a volume at ${directory}, where its --uri points`);
    assert.ok(!flagdAfter.uploads.some((u) => u.file === uri), 'the flag file is not an upload of flagd (an upload is ForceNew)');
    // The writer puts the file into that volume, and flagd is created after it, ordered only.
    const writer = byPart(containers(faulty.resources), 'flagd-files');
    assert.equal(writer.volumes.find((v) => v.volumeName === mount.volumeName)?.containerPath, '/live');
    const name = uri.slice(directory.length + 1);
    assert.ok(writer.command.join(' ').includes(`mv -f "/live/.${name}.new" "/live/${name}"`), 'renamed over the old file, never rewritten in place');
    const flagdRecord = faulty.resources.find((r) => r.type === 'docker:index/container:Container' && r.name === 'flagd')!;
    assert.ok(flagdRecord.dependencies.some((urn) => urn.endsWith('docker:index/container:Container::flagd-files')), flagdRecord.dependencies.join('\n'));
  });

  test('a scenario is the same kind of change', () => {
    const before = new Map(healthy.resources.filter((r) => r.custom).map((r) => [key(r), r]));
    const changed = scenario.resources
      .filter((r) => r.custom)
      .filter((r) => JSON.stringify(unwrap(r.inputs)) !== JSON.stringify(unwrap(before.get(key(r))!.inputs)));
    // db-latency has no app fault: only the declaration changes.
    assert.deepEqual(changed.map(partOf), ['fault-controller']);
  });

  test('nothing outside the fault resources depends on flagd or the fault controller', () => {
    const faultContainers = /docker:index\/container:Container::(flagd|fault-controller)$/;
    for (const run of [healthy, faulty]) {
      const dependents = run.resources.filter((r) => r.custom && r.dependencies.some((urn) => faultContainers.test(urn)));
      assert.deepEqual(dependents.map((r) => r.name), ['flagd-ready'], 'only flagd\'s own readiness probe');
      const onWriter = run.resources.filter((r) => r.custom && r.dependencies.some((urn) => urn.endsWith('docker:index/container:Container::flagd-files')));
      assert.deepEqual(onWriter.map((r) => r.name), ['flagd'], 'only flagd, which it writes for');
    }
    // The check sees dependencies through outputs: the replicas take Toxiproxy's readiness in their URLs.
    const replica = faulty.resources.find((r) => r.name === 'shop-api-1')!;
    assert.ok(replica.dependencies.some((urn) => urn.endsWith('docker:index/container:Container::toxiproxy-ready')), replica.dependencies.join('\n'));
  });

  test('the replicas reach Postgres, Redis and the Collector through Toxiproxy, and flagd by its fixed address', () => {
    const views = containers(faulty.resources);
    const toxiproxy = byPart(views, 'toxiproxy');
    const flagd = byPart(views, 'flagd');
    for (const replica of views.filter((v) => /^shop-api-\d+$/.test(v.labels['lab.part']!))) {
      assert.match(replica.env.DATABASE_URL!, new RegExp(`@${toxiproxy.name}:5432/`));
      assert.match(replica.env.REDIS_URL!, new RegExp(`@${toxiproxy.name}:6379/`));
      assert.equal(replica.env.OTEL_EXPORTER_OTLP_ENDPOINT, `http://${toxiproxy.name}:4318`);
      assert.equal(replica.env.FLAGD_HOST, flagd.name);
      assert.equal(replica.env.FLAGD_PORT, '8015');
      assert.ok(flagd.command.includes('--sync-port=8015'));
      assert.equal(replica.env.FLAGD_RESOLVER, 'in-process');
    }
    // The migration, the exporters and Traefik stay direct.
    assert.match(byPart(views, 'shop-api-migrate').env.DATABASE_URL!, new RegExp(`@${byPart(views, 'postgres').name}:5432/`));
  });

  test('Toxiproxy never changes with the faults: its proxies are all enabled, each on its upstream port', () => {
    const proxies = upload(byPart(containers(faulty.resources), 'toxiproxy'), 'proxies.json');
    const views = containers(faulty.resources);
    assert.deepEqual(proxies, [
      { name: 'postgres', listen: '0.0.0.0:5432', upstream: `${byPart(views, 'postgres').name}:5432`, enabled: true },
      { name: 'redis', listen: '0.0.0.0:6379', upstream: `${byPart(views, 'redis').name}:6379`, enabled: true },
      { name: 'collector', listen: '0.0.0.0:4318', upstream: `${byPart(views, 'otel-collector').name}:4318`, enabled: true },
    ]);
  });
});

describe('an app-fault change on Kubernetes', () => {
  let healthy: ProgramRun;
  let faulty: ProgramRun;
  before(async () => {
    healthy = await runProgram({ stack: 'kfaults', config: { target: 'kubernetes' } });
    faulty = await runProgram({ stack: 'kfaults', config: { target: 'kubernetes', faults: JSON.stringify({ app: faults.app }) } });
  });

  test("leaves the flagd Deployment's pod template as it was, and changes the flag file in the ConfigMap it mounts whole", () => {
    const flagdOf = (run: ProgramRun) => kubeParts(run.resources).find((p) => p.part === 'flagd' && p.kind === 'Deployment')!;
    const [before, after] = [flagdOf(healthy), flagdOf(faulty)];
    assert.deepEqual(unwrap(after.raw.inputs).spec, unwrap(before.raw.inputs).spec, 'the same Deployment spec, pod template included: no rollout');
    const path = after.args.find((arg: string) => arg.startsWith('--uri=file:'))!.slice('--uri=file:'.length);
    const fileOf = (part: typeof after) => JSON.parse(part.files.find((f) => f.path === path)!.content);
    assert.deepEqual(fileOf(before).flags[faultFlags.errorRate.key].variants, { off: 0 });
    assert.deepEqual(fileOf(after).flags[faultFlags.errorRate.key].variants, { off: 0, on: 0.25 });
    // Mounted whole: the kubelet updates a ConfigMap volume in place, never a subPath mount of one.
    const mount = after.container.volumeMounts.find((m: any) => path.startsWith(`${m.mountPath}/`));
    assert.ok(mount && mount.subPath === undefined, JSON.stringify(after.container.volumeMounts));
    const volume = after.podSpec.volumes.find((v: any) => v.name === mount.name);
    assert.equal(typeof volume.configMap.name, 'string', 'named by a plain string, not by the ConfigMap\'s output');
  });
});

describe('the fault files and the stack output', () => {
  let healthy: ContainerView[];
  let healthyOutputs: Record<string, unknown>;
  let faulty: ContainerView[];
  let faultyOutputs: Record<string, unknown>;
  before(async () => {
    const run = await runProgram({ stack: 'files' });
    healthy = containers(run.resources);
    healthyOutputs = run.outputs;
    const withFaults = await runProgram({ stack: 'files', config: { faults: JSON.stringify(faults) } });
    faulty = containers(withFaults.resources);
    faultyOutputs = withFaults.outputs;
  });

  test('no faults: every proxy enabled with no toxic, every flag present and off', () => {
    const declaration = upload(byPart(healthy, 'fault-controller'), 'faults.json');
    assert.deepEqual(declaration, {
      proxies: ['postgres', 'redis', 'collector'].map((name) => ({ name, enabled: true, toxics: [] })),
      flags: [],
    });
    assert.deepEqual(healthyOutputs.faults, declaration);
    const flagFile = upload(byPart(healthy, 'flagd-files'), '.flagd.json');
    for (const flag of Object.values(faultFlags)) {
      assert.deepEqual(flagFile.flags[flag.key], { state: 'ENABLED', variants: { off: flag.defaultValue }, defaultVariant: 'off' }, flag.key);
    }
  });

  test('with faults: the uploaded declaration is the stack output, and is what the config declares', () => {
    const declaration = upload(byPart(faulty, 'fault-controller'), 'faults.json');
    assert.deepEqual(faultyOutputs.faults, declaration);
    assert.deepEqual(declaration.proxies.map((p: any) => [p.name, p.enabled, p.toxics.map((t: any) => t.type)]), [
      ['postgres', true, ['latency']],
      ['redis', false, []],
      ['collector', true, ['reset_peer']],
    ]);
    assert.equal(declaration.proxies[2].toxics[0].toxicity, 0.5);
    assert.equal(declaration.flags.length, Object.keys(faultFlags).length, 'every flag is on');
    const flagFile = upload(byPart(faulty, 'flagd-files'), '.flagd.json');
    assert.deepEqual(flagFile.flags[faultFlags.errorRate.key].targeting, { if: [{ in: [{ var: 'route' }, ['/api/items/:id']] }, 'on', 'off'] });
    assert.ok(!JSON.stringify(faultyOutputs.faults).includes('mock-secret-'), 'no secret in the output');
  });

  test("a scenario's faults are what the catalogue declares", async () => {
    const run = await runProgram({ stack: 'files', config: { faultScenario: 'cache-outage' } });
    assert.deepEqual(run.outputs.faults, faultDeclaration(faultScenario('cache-outage').faults));
  });

  test('an invalid fault stops the program before anything is created, naming the key', async () => {
    await assert.rejects(
      runProgram({ stack: 'files', config: { faults: JSON.stringify({ postgres: { latencyMs: 20_000 } }) } }),
      /observability-lab:faults\.postgres\.latencyMs must be an integer from 0 to 10000 \(got 20000\)/,
    );
    await assert.rejects(runProgram({ stack: 'files', config: { faultScenario: 'nope' } }), /observability-lab:faultScenario must be one of none, db-latency/);
  });

  test('Prometheus scrapes Toxiproxy, flagd and the fault controller on the ports they serve /metrics on', () => {
    const config = upload(byPart(healthy, 'prometheus'), 'prometheus.yml');
    const jobs = Object.fromEntries(config.scrape_configs.map((c: any) => [c.job_name, c.static_configs[0].targets[0]]));
    assert.equal(jobs.toxiproxy, `${byPart(healthy, 'toxiproxy').name}:8474`);
    assert.ok(byPart(healthy, 'toxiproxy').command.includes('-proxy-metrics'), 'toxiproxy serves /metrics only with a metrics flag');
    assert.equal(jobs.flagd, `${byPart(healthy, 'flagd').name}:8014`);
    assert.equal(jobs['fault-controller'], `${byPart(healthy, 'fault-controller').name}:${byPart(healthy, 'fault-controller').env.METRICS_PORT}`);
  });
});

describe('Toxiproxy and flagd as their pinned versions take them', () => {
  let views: ContainerView[];
  before(async () => {
    views = containers((await runProgram({ stack: 'pins' })).resources);
  });

  const flagsOf = (command: string[], dashes: string) =>
    command.filter((arg) => arg.startsWith(dashes)).map((arg) => arg.slice(dashes.length).split('=')[0]!);

  test('Toxiproxy: the v2.12.0 image, only its server flags, its config file uploaded where -config points', () => {
    const toxiproxy = byPart(views, 'toxiproxy');
    assert.match(toxiproxy.image, toxiproxy212.imageLine);
    for (const name of flagsOf(toxiproxy.command, '-')) assert.ok((toxiproxy212.serverFlags as readonly string[]).includes(name), name);
    assert.ok(toxiproxy.command.includes('-host=0.0.0.0'), 'the API listens beyond loopback (the image CMD it replaces said so)');
    const configPath = toxiproxy.command.find((arg) => arg.startsWith('-config='))!.slice('-config='.length);
    assert.ok(toxiproxy.uploads.some((u) => u.file === configPath));
  });

  test('flagd: the v0.16.1 image, `start` with only its flags, a file: URI of the .json file its writer puts in its volume', () => {
    const flagd = byPart(views, 'flagd');
    assert.match(flagd.image, flagd0161.imageLine);
    assert.equal(flagd.command[0], 'start');
    for (const name of flagsOf(flagd.command, '--')) assert.ok((flagd0161.startFlags as readonly string[]).includes(name), name);
    const uri = flagd.command.find((arg) => arg.startsWith('--uri='))!.slice('--uri='.length);
    assert.ok(uri.startsWith(flagd0161.uriPrefix) && uri.endsWith('.json'), uri);
    const path = uri.slice(flagd0161.uriPrefix.length);
    const directory = path.slice(0, path.lastIndexOf('/'));
    assert.ok(flagd.volumes.some((v) => v.containerPath === directory), `a volume at ${directory}`);
    assert.ok(byPart(views, 'flagd-files').uploads.some((u) => u.file.endsWith(`/${path.slice(directory.length + 1)}`)));
    assert.ok(flagd0161.managementPaths.includes('/readyz') && byPart(views, 'flagd-ready').env.READY_URL!.endsWith(':8014/readyz'));
  });
});
