/**
 * The graph tests' key assertions, run on both targets: every part present, names and labels carrying
 * project and stack, secrets only from random resources, a readiness gate on every long-running part, and
 * the one-shot jobs finished before the parts that need them are created.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { mockSecretPrefix, project, runProgram, type ProgramRun } from './harness';
import { isSecretValue, strings, unwrap } from './graph';
import { kubernetesResources } from './k8s-schema';
import { partViews, viewOf, type PartView, type TargetKind } from './target-views';

const stack = 'dev';
const prefix = `${project}-${stack}`;

/** The parts of the lab on any target (a part added later only has to appear on both: see targets-agree). */
const coreParts = [
  'alertmanager',
  'grafana',
  'k6',
  'loki',
  'minio',
  'minio-buckets',
  'otel-collector',
  'postgres',
  'postgres-exporter',
  'prometheus',
  'pyroscope',
  'redis',
  'redis-exporter',
  'shop-api',
  'shop-api-migrate',
  'tempo',
  'traefik',
];

const targets: { target: TargetKind; config: Record<string, string> }[] = [
  { target: 'docker', config: {} },
  { target: 'kubernetes', config: { target: 'kubernetes' } },
];

/** The mock values of the generated secrets of a run, each with the random resource it came from. */
function generatedSecrets(run: ProgramRun): Set<string> {
  return new Set(run.resources.filter((r) => r.type === 'random:index/randomPassword:RandomPassword').map((r) => `${mockSecretPrefix}${r.name}`));
}

for (const { target, config } of targets) {
  describe(`the graph on ${target}`, () => {
    let run: ProgramRun;
    let views: PartView[];
    before(async () => {
      run = await runProgram({ stack, config });
      views = partViews(target, run);
    });

    test('every part is present, once', () => {
      const names = views.map((v) => v.part).sort();
      assert.equal(new Set(names).size, names.length, `a part twice: ${names.join(', ')}`);
      for (const part of coreParts) assert.ok(names.includes(part), `${part} on ${target} (found ${names.join(', ')})`);
      for (const part of ['shop-api-migrate', 'minio-buckets', 'k6']) assert.equal(viewOf(views, part).oneShot, true, `${part} runs to completion`);
      assert.equal(viewOf(views, 'shop-api').instances.length, target === 'docker' ? 2 : 1);
    });

    test('names and labels carry project and stack', () => {
      if (target === 'docker') {
        const named = run.resources.filter((r) => r.type.startsWith('docker:index/') && !['docker:index/image:Image', 'docker:index/remoteImage:RemoteImage'].includes(r.type));
        assert.ok(named.length > 20);
        for (const r of named) assert.ok(unwrap(r.inputs).name.startsWith(`${prefix}-`), `${r.type} ${r.name}`);
        for (const view of views) {
          for (const raw of view.raw) {
            const labels = Object.fromEntries(unwrap(raw.inputs).labels.map((l: { label: string; value: string }) => [l.label, l.value]));
            assert.equal(labels['lab.project'], project);
            assert.equal(labels['lab.stack'], stack);
          }
        }
        return;
      }
      const objects = kubernetesResources(run.resources).map((r) => ({ r, m: unwrap(r.inputs) }));
      assert.ok(objects.length > 40, `${objects.length} Kubernetes objects`);
      const namespaces = objects.filter((o) => o.m.kind === 'Namespace');
      assert.deepEqual(namespaces.map((o) => o.m.metadata.name), [prefix]);
      for (const { r, m } of objects) {
        const what = `${r.type} ${r.name}`;
        assert.ok(m.metadata?.name === prefix || m.metadata?.name?.startsWith(`${prefix}-`), `${what} is named ${m.metadata?.name}`);
        assert.equal(m.metadata.labels?.['lab.project'], project, `${what} lab.project`);
        assert.equal(m.metadata.labels?.['lab.stack'], stack, `${what} lab.stack`);
        if (m.kind !== 'Namespace') assert.equal(m.metadata.namespace, prefix, `${what} is in the stack's namespace`);
      }
      for (const view of views) {
        const workload = unwrap(view.raw[0]!.inputs);
        const podLabels = (workload.kind === 'Pod' ? workload : workload.spec.template).metadata.labels;
        assert.equal(podLabels['lab.project'], project, `${view.part} pods carry lab.project`);
        assert.equal(podLabels['lab.stack'], stack, `${view.part} pods carry lab.stack`);
        assert.equal(podLabels['lab.part'], view.part, `${view.part} pods carry lab.part`);
      }
    });

    test('secrets come only from random resources, and travel only as secrets', () => {
      const generated = generatedSecrets(run);
      assert.ok(generated.size >= 4, `${generated.size} generated passwords`);
      const secretLike = /(PASSWORD|PASS|SECRET_KEY|DATABASE_URL|REDIS_URL)$/;
      for (const view of views) {
        for (const [key, value] of Object.entries(view.env)) {
          const carried = [...value.matchAll(new RegExp(`${mockSecretPrefix}[\\w-]+`, 'g'))].map((m) => m[0]);
          for (const secret of carried) assert.ok(generated.has(secret), `${view.part} ${key} carries ${secret}, which no RandomPassword made`);
          if (carried.length > 0) assert.ok(view.secretEnv.includes(key), `${view.part} ${key} carries a generated secret but travels as plain text`);
          if (secretLike.test(key)) assert.ok(carried.length > 0, `${view.part} ${key} is not a generated secret`);
        }
        for (const file of view.files) {
          if (file.content.includes(mockSecretPrefix)) assert.ok(file.secret, `${view.part} ${file.path} holds a secret but travels as plain text`);
        }
        for (const word of view.argv) assert.ok(!word.includes(mockSecretPrefix), `${view.part} has a secret on its command line`);
      }
      if (target === 'kubernetes') {
        // Outside Secret objects, no manifest field holds a generated secret in plain text.
        for (const r of kubernetesResources(run.resources)) {
          const m = unwrap(r.inputs);
          if (m.kind === 'Secret') {
            // And the Secret's own content is a secret in Pulumi's state, not plain text there.
            const content = r.inputs.stringData ?? r.inputs.data;
            assert.ok(isSecretValue(content) || Object.values(content ?? {}).every(isSecretValue), `${r.name}'s data is a secret in state`);
            continue;
          }
          for (const text of strings(m)) assert.ok(!text.includes(mockSecretPrefix), `${r.type} ${r.name} holds a secret: ${text.slice(0, 80)}`);
        }
      }
    });

    test('every long-running part has a readiness gate', () => {
      for (const view of views.filter((v) => !v.oneShot)) assert.ok(view.probed, `${view.part} on ${target} has no readiness gate`);
      if (target === 'kubernetes') {
        for (const view of views.filter((v) => !v.oneShot)) {
          const container = (unwrap(view.raw[0]!.inputs).spec.template.spec.containers as any[])[0];
          assert.ok(container.readinessProbe, `${view.part} readinessProbe`);
          // What `pulumi up` waits for before the part's dependents: a Deployment or StatefulSet is ready
          // only once its pods pass their readiness probe.
          assert.ok(container.readinessProbe.httpGet || container.readinessProbe.exec, `${view.part} readinessProbe has an action`);
        }
      }
    });
  });
}

describe('one-shot jobs finish before the parts that need them, on both targets', () => {
  for (const { target, config } of targets) {
    test(`${target}: the replicas after the migration, Loki and Tempo after the bucket job`, async () => {
      // A first run names the resources that make each part; the second delays the jobs' completion.
      const names = (views: PartView[], part: string) => viewOf(views, part).raw.map((r) => r.name);
      const first = partViews(target, await runProgram({ stack: `order-${target}`, config }));
      const delays = Object.fromEntries([...names(first, 'shop-api-migrate'), ...names(first, 'minio-buckets')].map((name) => [name, 150]));
      const views = partViews(target, await runProgram({ stack: `order-${target}`, config, delays }));
      const finished = (part: string) => Math.max(...viewOf(views, part).raw.map((r) => r.completedAt));
      const started = (part: string) => Math.min(...viewOf(views, part).raw.map((r) => r.completedAt));
      assert.ok(Number.isFinite(finished('shop-api-migrate')));
      assert.ok(started('shop-api') >= finished('shop-api-migrate'), 'the replicas wait for the migration');
      for (const part of ['loki', 'tempo']) assert.ok(started(part) >= finished('minio-buckets'), `${part} waits for the bucket job`);
    });
  }
});
