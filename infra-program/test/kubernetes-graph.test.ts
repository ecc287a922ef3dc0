/**
 * The Kubernetes target's graph under mocks (no cluster): every part as the workload kind its description
 * calls for, named and labelled with project and stack in the stack's namespace, secrets only from the
 * random resources and only through Secrets, probes on every long-running part, Jobs before their
 * consumers, exposure and autoscaling from config, and k6's verdict read back from its pod.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { mockSecretPrefix, runProgram, type ProgramRun, type Recorded } from './harness';
import { isSecretValue, unwrap } from './graph';
import * as pulumi from '@pulumi/pulumi';
import { runAs } from '../src/targets/kubernetes/part';
import { sortValues } from '../src/targets/kubernetes/files-and-env';
import { naming as makeNaming } from '../src/naming';
import type { PlatformContainerArgs } from '../src/container';

const project = 'observability-lab';
const workloadTypes: Record<string, string> = {
  'kubernetes:apps/v1:Deployment': 'Deployment',
  'kubernetes:apps/v1:StatefulSet': 'StatefulSet',
  'kubernetes:batch/v1:Job': 'Job',
  'kubernetes:core/v1:Pod': 'Pod',
};

/** The parts this target must make, and as what (parts the failure lab adds are checked by rule, not listed). */
const expectedKinds: Record<string, string> = {
  postgres: 'StatefulSet',
  redis: 'StatefulSet',
  minio: 'StatefulSet',
  prometheus: 'StatefulSet',
  loki: 'StatefulSet',
  tempo: 'StatefulSet',
  pyroscope: 'StatefulSet',
  grafana: 'StatefulSet',
  alertmanager: 'StatefulSet',
  'otel-collector': 'Deployment',
  traefik: 'Deployment',
  'postgres-exporter': 'Deployment',
  'redis-exporter': 'Deployment',
  'shop-api': 'Deployment',
  'shop-api-migrate': 'Job',
  'minio-buckets': 'Job',
  k6: 'Pod',
};

interface Workload {
  readonly part: string;
  readonly kind: string;
  readonly raw: Recorded;
  readonly object: any;
  readonly pod: any;
  readonly container: any;
}

function workloads(run: ProgramRun): Workload[] {
  return run.resources
    .filter((r) => r.type in workloadTypes)
    .map((r) => {
      const object = unwrap(r.inputs);
      const pod = r.type === 'kubernetes:core/v1:Pod' ? object.spec : object.spec.template.spec;
      return { part: object.metadata.labels['lab.part'], kind: workloadTypes[r.type]!, raw: r, object, pod, container: pod.containers[0] };
    });
}

function objects(run: ProgramRun, type: string): { raw: Recorded; object: any }[] {
  return run.resources.filter((r) => r.type === type).map((raw) => ({ raw, object: unwrap(raw.inputs) }));
}

function workload(list: Workload[], part: string): Workload {
  const found = list.find((w) => w.part === part);
  if (!found) throw new Error(`no workload for ${part} (have ${list.map((w) => w.part).join(', ')})`);
  return found;
}

/** A file as the container sees it: the ConfigMap or Secret key its mount at `path` names. */
function mountedFile(run: ProgramRun, w: Workload, path: string): { content: string; from: 'configMap' | 'secret' } {
  const mount = w.container.volumeMounts.find((m: any) => m.mountPath === path);
  assert.ok(mount, `${w.part} mounts ${path}`);
  const volume = w.pod.volumes.find((v: any) => v.name === mount.name);
  if (volume.configMap) {
    const map = objects(run, 'kubernetes:core/v1:ConfigMap').find((c) => c.object.metadata.name === volume.configMap.name)!;
    return { content: map.object.data[mount.subPath], from: 'configMap' };
  }
  const secret = objects(run, 'kubernetes:core/v1:Secret').find((c) => c.object.metadata.name === volume.secret.secretName)!;
  return { content: secret.object.stringData[mount.subPath], from: 'secret' };
}

describe('the Kubernetes target with default config', () => {
  let run: ProgramRun;
  let list: Workload[];
  const namespace = `${project}-kdev`;
  before(async () => {
    run = await runProgram({ stack: 'kdev', config: { target: 'kubernetes' } });
    list = workloads(run);
  });

  test('every part is there once, as the kind its description calls for, and nothing Docker-only is made', () => {
    for (const [part, kind] of Object.entries(expectedKinds)) {
      const found = list.filter((w) => w.part === part);
      assert.equal(found.length, 1, `one workload for ${part}`);
      assert.equal(found[0]!.kind, kind, part);
    }
    for (const w of list) {
      // The rule behind the table, for every part (the failure lab's too): storage makes a StatefulSet.
      if (w.kind === 'Deployment') assert.equal(w.object.spec.template.spec.volumes.some((v: any) => v.persistentVolumeClaim), false, w.part);
      if (w.kind === 'StatefulSet') assert.equal(w.object.spec.volumeClaimTemplates.length, 1, w.part);
    }
    assert.ok(!list.some((w) => w.part.endsWith('-ready')), 'readiness is a probe, not a probing job');
    const dockerOnly = run.resources.filter((r) => ['docker:index/container:Container', 'docker:index/network:Network', 'docker:index/volume:Volume', 'docker:index/remoteImage:RemoteImage'].includes(r.type));
    assert.deepEqual(dockerOnly.map((r) => r.name), []);
    assert.equal(objects(run, 'kubernetes:core/v1:Namespace').length, 1);
  });

  test('every object is in the stack namespace, named and labelled with project and stack', () => {
    const ns = objects(run, 'kubernetes:core/v1:Namespace')[0]!.object;
    assert.equal(ns.metadata.name, namespace);
    const kube = run.resources.filter((r) => r.type.startsWith('kubernetes:') && r.type !== 'kubernetes:core/v1:Namespace' && !r.type.includes('Provider'));
    assert.ok(kube.length > 40, `${kube.length} objects`);
    for (const r of kube) {
      const meta = unwrap(r.inputs).metadata;
      assert.equal(meta.namespace, namespace, `${r.type} ${r.name}`);
      assert.ok(meta.name.startsWith(`${project}-kdev-`), `${r.type} ${meta.name}`);
      assert.equal(meta.labels['lab.project'], project, `${r.type} ${r.name}`);
      assert.equal(meta.labels['lab.stack'], 'kdev', `${r.type} ${r.name}`);
    }
    for (const w of list) {
      const podLabels = w.kind === 'Pod' ? w.object.metadata.labels : w.object.spec.template.metadata.labels;
      assert.equal(podLabels['app.kubernetes.io/instance'], `${project}-kdev`);
      assert.equal(podLabels['lab.part'], w.part);
      if (w.kind === 'Deployment' || w.kind === 'StatefulSet') {
        for (const [k, v] of Object.entries(w.object.spec.selector.matchLabels)) assert.equal(podLabels[k], v, `${w.part} selector ${k}`);
      }
    }
  });

  test('secrets come only from the random resources and reach pods only through Secrets', () => {
    const secrets = objects(run, 'kubernetes:core/v1:Secret');
    assert.ok(secrets.length >= 5);
    const randoms = run.resources.filter((r) => r.type.startsWith('random:'));
    const generated = randoms.map((r) => (r.type === 'random:index/randomPassword:RandomPassword' ? `${mockSecretPrefix}${r.name}` : `rnd${r.name.length}`));
    let values = 0;
    for (const { raw, object } of secrets) {
      assert.ok(isSecretValue(raw.inputs.stringData), `${object.metadata.name}: its data is a Pulumi secret`);
      for (const [key, value] of Object.entries<string>(object.stringData ?? {})) {
        values += 1;
        assert.ok(generated.some((g) => value.includes(g)), `${object.metadata.name}.${key} holds a generated value`);
      }
    }
    assert.ok(values >= 8, `${values} secret values`);
    // Nothing generated lands in plain env, a ConfigMap or an annotation.
    for (const w of list) {
      for (const env of w.container.env ?? []) {
        if (env.value !== undefined) assert.ok(!String(env.value).includes(mockSecretPrefix), `${w.part} env ${env.name} is plain`);
        if (env.valueFrom?.secretKeyRef) {
          const secret = secrets.find((s) => s.object.metadata.name === env.valueFrom.secretKeyRef.name);
          assert.ok(secret && env.valueFrom.secretKeyRef.key in secret.object.stringData, `${w.part} ${env.name} refers to an existing key`);
        }
      }
    }
    for (const { object } of objects(run, 'kubernetes:core/v1:ConfigMap')) {
      assert.ok(!JSON.stringify(object.data).includes(mockSecretPrefix), object.metadata.name);
    }
    const postgres = workload(list, 'postgres').container.env.find((e: any) => e.name === 'POSTGRES_PASSWORD');
    assert.ok(postgres.valueFrom.secretKeyRef, 'the Postgres password through secretKeyRef');
    assert.equal(mountedFile(run, workload(list, 'redis'), '/usr/local/etc/redis/redis.conf').from, 'secret');
  });

  test('a workload that reads a Secret depends on it, and its pod template carries a digest of the Secret data', () => {
    let checked = 0;
    for (const w of list) {
      const secretNames = new Set<string>([
        ...(w.container.env ?? []).flatMap((e: any) => (e.valueFrom?.secretKeyRef ? [e.valueFrom.secretKeyRef.name] : [])),
        ...(w.pod.volumes ?? []).flatMap((v: any) => (v.secret ? [v.secret.secretName] : [])),
      ]);
      if (secretNames.size === 0) continue;
      checked += 1;
      const template = w.kind === 'Pod' ? w.object : w.object.spec.template;
      const digest = template.metadata.annotations['lab.secrets.sha256'];
      assert.match(digest, /^[0-9a-f]{64}$/, `${w.part}: the Secret's digest in the pod template`);
      // Not a Pulumi secret anywhere on its path: the template's diff stays readable.
      const path = [...(w.kind === 'Pod' ? [] : ['spec', 'template']), 'metadata', 'annotations', 'lab.secrets.sha256'];
      let at: any = w.raw.inputs;
      for (const key of path) {
        assert.ok(!isSecretValue(at), `${w.part}: ${key}'s parent is no secret`);
        at = at[key];
      }
      assert.ok(!isSecretValue(at), `${w.part}: the digest is no secret`);
      for (const secretName of secretNames) {
        const secret = objects(run, 'kubernetes:core/v1:Secret').find((s) => s.object.metadata.name === secretName)!;
        const urn = `kubernetes:core/v1:Secret::${secret.raw.name}`;
        assert.ok(w.raw.dependencies.some((d) => d.endsWith(urn)), `${w.part} depends on Secret ${secretName}`);
      }
    }
    assert.ok(checked >= 6, `${checked} workloads read a Secret`);
  });

  test('the Secret digest changes with any secret value, and only with those', async () => {
    const args = (password: string, plain: string): PlatformContainerArgs => ({
      naming: makeNaming(project, 'kdev'),
      part: 'x',
      image: 'x:1',
      networks: [],
      envs: { PASSWORD: pulumi.secret(password), LEVEL: plain },
    });
    const digest = (a: PlatformContainerArgs) =>
      new Promise<string>((resolve) => sortValues(a, 'x-secrets', []).secretsDigest.apply((value) => resolve(value)));
    const before = await digest(args('one', 'info'));
    assert.notEqual(await digest(args('two', 'info')), before, 'a new password rolls the pods');
    assert.equal(await digest(args('one', 'debug')), before, 'a plain value is in the pod spec itself');
    assert.equal(await pulumi.isSecret(sortValues(args('one', 'info'), 'x-secrets', []).secretsDigest), false);
  });

  test('config files are mounted where Docker uploads them, with the same content', async () => {
    const collector = workload(list, 'otel-collector');
    const file = mountedFile(run, collector, '/etc/otelcol-contrib/config.yaml');
    assert.equal(file.from, 'configMap');
    const config = parseYaml(file.content);
    assert.ok(config.receivers.otlp.protocols.grpc.endpoint.endsWith(':4317'));
    // A changed file changes the pod template, so the pods roll (subPath mounts are not refreshed).
    assert.match(collector.object.spec.template.metadata.annotations['lab.files.sha256'], /^[0-9a-f]{64}$/);
    const routes = parseYaml(mountedFile(run, workload(list, 'traefik'), '/etc/traefik/dynamic/routes.yml').content);
    // Traefik routes to the app's Service (its endpoints are the ready pods), not to replicas one by one.
    assert.deepEqual(routes.http.services.shop.loadBalancer.servers, [{ url: `http://${project}-kdev-shop-api:8080` }]);
    assert.equal(routes.http.services.shop.loadBalancer.healthCheck, undefined);
    // The API refuses a ConfigMap or Secret over 1 MiB (the dashboards are the largest: about 180 KB).
    for (const type of ['kubernetes:core/v1:ConfigMap', 'kubernetes:core/v1:Secret']) {
      for (const { object } of objects(run, type)) {
        const data = object.data ?? object.stringData ?? {};
        const bytes = Object.entries<string>(data).reduce((sum, [key, value]) => sum + key.length + Buffer.byteLength(value), 0);
        assert.ok(bytes < 768 * 1024, `${object.metadata.name}: ${bytes} bytes`);
      }
    }
    const service = objects(run, 'kubernetes:core/v1:Service').find((s) => s.object.metadata.name === `${project}-kdev-shop-api`)!;
    assert.deepEqual(service.object.spec.ports.map((p: any) => p.port), [8080]);
  });

  test('every long-running part has a readiness probe; health checks become startup and liveness probes', () => {
    for (const w of list.filter((x) => x.kind === 'Deployment' || x.kind === 'StatefulSet')) {
      assert.ok(w.container.readinessProbe, `${w.part} has a readiness probe`);
      assert.ok(w.container.startupProbe, `${w.part} has a startup probe`);
      assert.ok(w.container.resources.limits.memory.endsWith('Mi'), `${w.part} memory limit`);
      assert.ok(parseInt(w.container.resources.requests.memory) < parseInt(w.container.resources.limits.memory), `${w.part}: requests what it needs at rest, below its limit`);
    }
    // A part with a volume runs with the group that makes the volume writable; one without has no pod security context.
    assert.deepEqual(workload(list, 'postgres').pod.securityContext, { fsGroup: 10001, fsGroupChangePolicy: 'OnRootMismatch' });
    assert.equal(workload(list, 'shop-api').pod.securityContext, undefined);
    // The two parts Docker probes from outside get the same URL as a real readiness probe.
    assert.deepEqual(workload(list, 'otel-collector').container.readinessProbe.httpGet, { port: 13133, path: '/' });
    assert.deepEqual(workload(list, 'tempo').container.readinessProbe.httpGet, { port: 3200, path: '/ready' });
    // The app: liveness and readiness on their own paths; readiness drops at once when it drains.
    const app = workload(list, 'shop-api').container;
    assert.deepEqual(app.livenessProbe.httpGet, { port: 8080, path: '/health/live' });
    assert.deepEqual(app.readinessProbe.httpGet, { port: 8080, path: '/health/ready' });
    assert.equal(app.readinessProbe.failureThreshold, 1);
    // A command check stays a command: Redis's redis-cli through the shell, as Docker's CMD-SHELL runs it.
    assert.deepEqual(workload(list, 'redis').container.livenessProbe.exec.command.slice(0, 2), ['/bin/sh', '-c']);
    // A data store is not dropped from its Service by one slow check: readiness fails as Docker's health does.
    assert.equal(workload(list, 'postgres').container.readinessProbe.failureThreshold, 10);
    // Grafana's start period (300 s) is what its startup probe allows, plus the retries.
    const grafana = workload(list, 'grafana').container.startupProbe;
    assert.ok(grafana.periodSeconds * grafana.failureThreshold >= 300, 'Grafana gets its first-start migrations');
  });

  test('liveness asks whether a part lives, readiness whether it is ready, each with its own budget', () => {
    const get = (part: string, probe: string) => workload(list, part).container[probe].httpGet?.path;
    // Prometheus replays its WAL before /-/ready: that must make it unready, never restart it.
    assert.equal(get('prometheus', 'readinessProbe'), '/-/ready');
    assert.equal(get('prometheus', 'livenessProbe'), '/-/healthy');
    assert.equal(get('prometheus', 'startupProbe'), '/-/healthy', 'a long replay after a restart is not killed by the startup probe either');
    assert.equal(get('alertmanager', 'livenessProbe'), '/-/healthy');
    assert.equal(get('loki', 'readinessProbe'), '/ready');
    assert.equal(get('loki', 'livenessProbe'), '/loki/api/v1/status/buildinfo');
    // An exporter whose database is down is unready (pg_up 0), not restarted.
    assert.match(workload(list, 'postgres-exporter').container.readinessProbe.exec.command.join(' '), /pg_up 1/);
    assert.equal(get('postgres-exporter', 'livenessProbe'), '/');
    assert.equal(get('redis-exporter', 'livenessProbe'), '/health');
    for (const w of list.filter((x) => x.container.livenessProbe)) {
      const window = (probe: any) => probe.periodSeconds * probe.failureThreshold;
      assert.ok(window(w.container.livenessProbe) > window(w.container.readinessProbe), `${w.part}: a restart takes longer failing than unreadiness`);
      assert.deepEqual(w.container.startupProbe.httpGet ?? w.container.startupProbe.exec, w.container.livenessProbe.httpGet ?? w.container.livenessProbe.exec, `${w.part}: startup asks what liveness asks`);
    }
  });

  test('the app: replicas from config, instance id from the pod name, grace covering preStop and its drain', () => {
    const app = workload(list, 'shop-api');
    assert.equal(app.object.spec.replicas, 2);
    const env = app.container.env as any[];
    const podName = env.findIndex((e) => e.name === 'POD_NAME');
    const attributes = env.findIndex((e) => e.name === 'OTEL_RESOURCE_ATTRIBUTES');
    assert.deepEqual(env[podName].valueFrom, { fieldRef: { fieldPath: 'metadata.name' } });
    assert.ok(podName < attributes, 'POD_NAME is defined before the variable that refers to it');
    assert.match(env[attributes].value, /^service\.instance\.id=\$\(POD_NAME\),/);
    const preStop = app.container.lifecycle.preStop.sleep.seconds;
    const grace = Number(env.find((e) => e.name === 'SHUTDOWN_GRACE_MS').value) / 1000;
    assert.ok(preStop >= 1);
    assert.ok(app.pod.terminationGracePeriodSeconds > preStop + grace, 'SIGKILL only after preStop and the drain budget');
    assert.equal(objects(run, 'kubernetes:autoscaling/v2:HorizontalPodAutoscaler').length, 0);
  });

  test('the fault controller is never two pods at once: Recreate; every other Deployment rolls', () => {
    // A RollingUpdate starts the new controller before the old one stops, and each re-applies its own
    // declaration every 2 s; Recreate scales the old ReplicaSet to 0 before the new one is created.
    assert.deepEqual(workload(list, 'fault-controller').object.spec.strategy, { type: 'Recreate' });
    for (const w of list.filter((x) => x.kind === 'Deployment' && x.part !== 'fault-controller')) {
      assert.equal(w.object.spec.strategy, undefined, `${w.part} keeps the default RollingUpdate`);
    }
  });

  test('Traefik, Grafana, Prometheus and Alertmanager are exposed on node ports; the URLs use them', () => {
    const external = objects(run, 'kubernetes:core/v1:Service').filter((s) => s.object.spec.type !== undefined && s.object.spec.type !== 'ClusterIP');
    const byName = Object.fromEntries(external.map((s) => [s.object.metadata.labels['lab.part'], s.object.spec]));
    assert.deepEqual(Object.keys(byName).sort(), ['alertmanager', 'grafana', 'prometheus', 'traefik']);
    assert.equal(byName.traefik.type, 'NodePort');
    assert.deepEqual(byName.traefik.ports.map((p: any) => [p.targetPort, p.nodePort]), [[8000, 30080], [8080, 30088]]);
    assert.equal(run.outputs.appUrl, 'http://shop.localhost:30080');
    assert.equal(run.outputs.grafanaUrl, 'http://127.0.0.1:30300');
  });

  test('k6 runs once as a pod waited for until it terminates; its exit code and log tail are k6Result', () => {
    const k6 = workload(list, 'k6');
    assert.equal(k6.pod.restartPolicy, 'Never');
    assert.equal(k6.object.metadata.annotations['pulumi.com/waitFor'], 'jsonpath={.status.containerStatuses[0].state.terminated.exitCode}');
    assert.ok(Number(k6.object.metadata.annotations['pulumi.com/timeoutSeconds']) > 270, 'waits longer than the run is planned');
    const result = run.outputs.k6Result as any;
    assert.equal(result.exitCode, 0);
    assert.equal(result.passed, true);
    // A passed run brings its summary's tail back too: the wrapper writes it as the termination message.
    assert.match(result.summary, /checks\.+: 100\.00% 12 out of 12/);
    for (const job of ['shop-api-migrate', 'minio-buckets']) {
      assert.equal(workload(list, job).object.spec.backoffLimit, 0, `${job} runs once`);
      assert.equal(workload(list, job).object.metadata.annotations?.['pulumi.com/skipAwait'], undefined, `${job} is awaited`);
    }
  });
});

describe('the Kubernetes target: Docker Hub pulls', () => {
  test('with dockerHubUser/dockerHubToken every pod pulls with one dockerconfigjson Secret made from them', async () => {
    const run = await runProgram({
      stack: 'khub',
      config: { target: 'kubernetes', dockerHubUser: 'lab-user', dockerHubToken: 'dckr_pat_x' },
      secretKeys: ['dockerHubToken'],
    });
    const pullSecrets = objects(run, 'kubernetes:core/v1:Secret').filter((s) => s.object.type === 'kubernetes.io/dockerconfigjson');
    assert.equal(pullSecrets.length, 1);
    const [{ raw, object }] = pullSecrets as [{ raw: Recorded; object: any }];
    assert.equal(object.metadata.name, `${project}-khub-docker-hub`);
    assert.ok(isSecretValue(raw.inputs.stringData['.dockerconfigjson']) || isSecretValue(raw.inputs.stringData), 'the token is encrypted in the state');
    const config = JSON.parse(object.stringData['.dockerconfigjson']);
    // The kubelet's keyring stores this entry as index.docker.io, the key it looks up for every image
    // without a registry host (pkg/credentialprovider/keyring.go: Add, isDefaultRegistryMatch).
    assert.deepEqual(Object.keys(config.auths), ['https://index.docker.io/v1/']);
    const entry = config.auths['https://index.docker.io/v1/'];
    assert.equal(entry.username, 'lab-user');
    assert.equal(entry.password, 'dckr_pat_x');
    assert.equal(Buffer.from(entry.auth, 'base64').toString(), 'lab-user:dckr_pat_x');
    const list = workloads(run);
    assert.ok(list.length >= 16);
    for (const w of list) {
      assert.deepEqual(w.pod.imagePullSecrets, [{ name: object.metadata.name }], `${w.part} pulls with the login`);
      assert.ok(w.raw.dependencies.some((d) => d.endsWith(`kubernetes:core/v1:Secret::${raw.name}`)), `${w.part} is created after the Secret`);
    }
  });

  test('without a login the nodes pull anonymously: no pull secret, no imagePullSecrets', async () => {
    const run = await runProgram({ stack: 'kanon', config: { target: 'kubernetes' } });
    assert.equal(objects(run, 'kubernetes:core/v1:Secret').filter((s) => s.object.type === 'kubernetes.io/dockerconfigjson').length, 0);
    for (const w of workloads(run)) assert.equal(w.pod.imagePullSecrets, undefined, w.part);
  });
});

describe('the Kubernetes target: a one-shot Job that fails', () => {
  test('the migration and bucket Jobs are replaced on the next pulumi up while not complete, and their failure carries the log tail', async () => {
    const list = workloads(await runProgram({ stack: 'kjob', config: { target: 'kubernetes' } }));
    for (const job of ['shop-api-migrate', 'minio-buckets']) {
      const w = workload(list, job);
      // pulumi-kubernetes Diff: with this annotation (exactly "true") on a Job, it reads the live Job and, when
      // the Job checker does not call it complete (BackoffLimitExceeded), replaces it; without it, the next
      // `pulumi up` awaits the same failed Job and fails at once.
      assert.equal(w.object.metadata.annotations['pulumi.com/replaceUnready'], 'true', `${job}: a failed run is run again`);
      assert.ok(w.raw.deleteBeforeReplace, `${job}: the old Job (same name) goes first`);
      // The kubelet writes the last log lines as the termination message of a failed container; the provider's
      // pod checker reports "[Error] <message>" and the Job await puts it into the error `pulumi up` prints.
      assert.equal(w.container.terminationMessagePolicy, 'FallbackToLogsOnError', job);
    }
  });

  test('a detached run is never replaced for being unfinished: it is unfinished while it runs', async () => {
    const list = workloads(await runProgram({ stack: 'kjob2', config: { target: 'kubernetes', k6Scenario: 'soak' } }));
    const k6 = workload(list, 'k6');
    assert.equal(k6.kind, 'Job');
    assert.equal(k6.object.metadata.annotations['pulumi.com/replaceUnready'], undefined);
  });
});

describe('the Kubernetes target: ordering and config', () => {
  test('consumers are created only after the Jobs they need completed, k6 only after what it tests', async () => {
    const run = await runProgram({ stack: 'korder', config: { target: 'kubernetes' }, delays: { 'shop-api-migrate': 1500, 'minio-buckets': 1500 } });
    const done = (type: string, name: string) => run.resources.find((r) => r.type === type && r.name === name)!.completedAt;
    const migrated = done('kubernetes:batch/v1:Job', 'shop-api-migrate');
    const buckets = done('kubernetes:batch/v1:Job', 'minio-buckets');
    assert.ok(migrated >= 1500 && buckets >= 1500);
    assert.ok(done('kubernetes:apps/v1:Deployment', 'shop-api') >= migrated, 'the app after its migration');
    assert.ok(done('kubernetes:apps/v1:StatefulSet', 'loki') >= buckets, 'Loki after its bucket');
    assert.ok(done('kubernetes:apps/v1:StatefulSet', 'tempo') >= buckets, 'Tempo after its bucket');
    assert.ok(done('kubernetes:core/v1:Pod', 'k6') >= migrated, 'k6 after the app');
    // A part that needs neither Job is not held back by them: the ordering is what made the others late.
    assert.ok(done('kubernetes:apps/v1:StatefulSet', 'redis') < migrated, 'Redis does not wait for the migration');
  });

  test('LoadBalancer exposure, storage class and sizes, autoscaling and a failed k6 run', async () => {
    const run = await runProgram({
      stack: 'klb',
      config: {
        target: 'kubernetes',
        kubernetesServiceType: 'LoadBalancer',
        kubernetesStorageClass: 'fast-ssd',
        kubernetesVolumeSizes: JSON.stringify(['postgres=20Gi']),
        autoscaling: 'true',
        autoscalingMinReplicas: '3',
        autoscalingMaxReplicas: '8',
        autoscalingCpuPercent: '60',
      },
      exitCodes: { k6: 99 },
    });
    const list = workloads(run);
    const traefik = objects(run, 'kubernetes:core/v1:Service').find((s) => s.object.metadata.name.endsWith('-traefik-external'))!.object.spec;
    assert.equal(traefik.type, 'LoadBalancer');
    assert.deepEqual(traefik.ports.map((p: any) => [p.port, p.targetPort, p.nodePort]), [[8000, 8000, undefined], [8080, 8080, undefined]]);
    const claim = (part: string) => workload(list, part).object.spec.volumeClaimTemplates[0].spec;
    assert.equal(claim('postgres').storageClassName, 'fast-ssd');
    assert.equal(claim('postgres').resources.requests.storage, '20Gi');
    assert.equal(claim('loki').resources.requests.storage, '5Gi');
    const [hpa] = objects(run, 'kubernetes:autoscaling/v2:HorizontalPodAutoscaler');
    assert.ok(hpa, 'an autoscaler');
    assert.equal(hpa.object.spec.minReplicas, 3);
    assert.equal(hpa.object.spec.maxReplicas, 8);
    assert.equal(hpa.object.spec.scaleTargetRef.name, `${project}-klb-shop-api`);
    assert.equal(hpa.object.spec.metrics[0].resource.target.averageUtilization, 60);
    assert.equal(workload(list, 'shop-api').object.spec.replicas, undefined, 'the autoscaler owns the count');
    assert.ok(workload(list, 'shop-api').container.resources.requests.cpu, 'a CPU request to measure utilisation against');
    const result = run.outputs.k6Result as any;
    assert.equal(result.exitCode, 99);
    assert.equal(result.passed, false);
    assert.match(result.summary, /checks\.+: 50\.00%/, 'a failed run brings its log tail back');
    // Failed thresholds are a result, not a failed pod: the pod Succeeded, so the provider's Pod read
    // (`pulumi refresh`: ready or Succeeded, else an error) takes it as it is.
    const pod = run.resources.find((r) => r.type === 'kubernetes:core/v1:Pod' && r.name === 'k6')!;
    assert.ok(pod.completedAt < Number.POSITIVE_INFINITY);
    const k6Pod = workload(list, 'k6');
    assert.deepEqual(k6Pod.container.command.slice(0, 2), ['/bin/sh', '-c']);
    assert.deepEqual(k6Pod.container.args.slice(0, 2), ['k6', 'run'], 'the wrapper runs k6 with its own arguments');
    const k6 = workload(list, 'k6');
    assert.deepEqual(k6.raw.replaceOnChanges, ['metadata.annotations', 'spec'], 'a new subject is a new run');
  });

  test('a run longer than anyone waits at pulumi up (the soak) is a Job only started; its summary says how to follow it', async () => {
    const run = await runProgram({ stack: 'ksoak', config: { target: 'kubernetes', k6Scenario: 'soak' } });
    const job = workloads(run).find((w) => w.part === 'k6')!;
    assert.equal(job.kind, 'Job');
    assert.equal(job.object.metadata.annotations['pulumi.com/skipAwait'], 'true');
    const result = run.outputs.k6Result as any;
    assert.equal(result.exitCode, null);
    const name = job.object.metadata.name as string;
    assert.match(name, new RegExp(`^${project}-ksoak-k6-[0-9a-f]{8}$`));
    assert.match(result.summary, new RegExp(`kubectl logs -f -n ${project}-ksoak job/${name}$`));
    // skipAwait: the provider deletes a replaced Job without waiting for it to go, so each run has its own
    // name (the same one while nothing changes, so a plain re-run replaces nothing) and never meets the old one.
    const again = await runProgram({ stack: 'ksoak', config: { target: 'kubernetes', k6Scenario: 'soak' } });
    assert.equal(workloads(again).find((w) => w.part === 'k6')!.object.metadata.name, name, 'unchanged: the same run');
    const other = await runProgram({ stack: 'ksoak', config: { target: 'kubernetes', k6Scenario: 'soak', k6Params: JSON.stringify(['DURATION=2h']) } });
    assert.notEqual(workloads(other).find((w) => w.part === 'k6')!.object.metadata.name, name, 'another run, another name');
  });

  test('on Docker the Kubernetes knobs change nothing', async () => {
    const view = (run: ProgramRun) =>
      run.resources.map((r) => `${r.type} ${r.name} ${JSON.stringify(unwrap(r.inputs))}`).sort();
    const plain = await runProgram({ stack: 'dsame' });
    const knobs = await runProgram({
      stack: 'dsame',
      config: {
        kubernetesServiceType: 'LoadBalancer',
        appNodePort: '31000',
        kubernetesStorageClass: 'fast-ssd',
        kubernetesVolumeSizes: JSON.stringify(['postgres=20Gi']),
        kubernetesImageRegistry: 'registry.example.com/lab',
        autoscaling: 'true',
      },
    });
    assert.ok(plain.resources.some((r) => r.type === 'docker:index/container:Container'));
    assert.deepEqual(view(knobs), view(plain));
    assert.ok(!knobs.resources.some((r) => r.type.startsWith('kubernetes:')));
  });

  test('a stack name that makes a StatefulSet name longer than 52 is refused before anything is made, naming the stack-name limit', async () => {
    // observability-lab-<stack>-alertmanager: 31 characters around the stack name, so 21 fit and 22 do not
    // (63 would: the namespace and the Services alone would accept it, and the StatefulSet would get no pod).
    const fits = 'a'.repeat(21);
    const run = await runProgram({ stack: fits, config: { target: 'kubernetes' } });
    const names = workloads(run).filter((w) => w.kind === 'StatefulSet').map((w) => w.object.metadata.name as string);
    assert.equal(Math.max(...names.map((n) => n.length)), 52);
    await assert.rejects(
      runProgram({ stack: 'a'.repeat(22), config: { target: 'kubernetes' } }),
      (error: Error) => {
        assert.match(error.message, /StatefulSet name "observability-lab-a{22}-alertmanager" has 53 characters/);
        assert.match(error.message, /over 52 \(its pods' controller-revision-hash label is the name plus 11\)/);
        assert.match(error.message, /the stack name may have at most 21 characters, "a{22}" has 22/);
        return true;
      },
    );
  });

  test('a changed volume size neither replaces a StatefulSet nor reaches its claim template: claims are grown on the claim', async () => {
    // A claim template is immutable and the claims outlive the StatefulSet (Retain), so replacing it would
    // delete and recreate the data store with the same claims at their old size: the template is ignored
    // on update, and README's path (patching the claim) is the one that resizes.
    const sets = workloads(await runProgram({ stack: 'kvol', config: { target: 'kubernetes', kubernetesVolumeSizes: JSON.stringify(['postgres=20Gi']) } })).filter((w) => w.kind === 'StatefulSet');
    assert.equal(sets.length, 9);
    for (const w of sets) {
      assert.deepEqual(w.raw.ignoreChanges, ['spec.volumeClaimTemplates'], w.part);
      assert.ok(!w.raw.replaceOnChanges.some((path) => path.includes('volumeClaimTemplates')), w.part);
      assert.deepEqual(w.object.spec.persistentVolumeClaimRetentionPolicy, { whenDeleted: 'Retain', whenScaled: 'Retain' }, w.part);
      // The claim is data-<StatefulSet name>-0, as README names it for `kubectl patch pvc`.
      assert.equal(w.object.spec.volumeClaimTemplates[0].metadata.name, 'data', w.part);
    }
    // A new stack (or a claim made after the change) gets the configured size.
    assert.equal(sets.find((w) => w.part === 'postgres')!.object.spec.volumeClaimTemplates[0].spec.resources.requests.storage, '20Gi');
  });

  test('a volume size for a part without storage is refused, naming the key', async () => {
    await assert.rejects(
      runProgram({ stack: 'kbad', config: { target: 'kubernetes', kubernetesVolumeSizes: JSON.stringify(['traefik=1Gi']) } }),
      /observability-lab:kubernetesVolumeSizes names traefik/,
    );
  });
});

describe('the Kubernetes target: a part that names its user', () => {
  test('a numeric uid:gid becomes the pod security context; a user name is refused with the part named', () => {
    assert.deepEqual(runAs('x', '10001:10001'), { runAsUser: 10001, runAsGroup: 10001 });
    assert.deepEqual(runAs('x', '472'), { runAsUser: 472 });
    assert.equal(runAs('x', undefined), undefined);
    assert.throws(() => runAs('grafana', 'grafana'), /grafana: user "grafana" must be numeric/);
  });
});
