/**
 * Every manifest the Kubernetes target registers is valid against the Kubernetes 1.36.0 OpenAPI schema
 * (kubernetes-models 5.1.0), read as the provider would send it; and the validator does catch a broken one.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { naming as makeNaming } from '../src/naming';
import { networkPolicies } from '../src/targets/kubernetes/network-policies';
import { project, runProgram } from './harness';
import { kubernetesResources, manifestOf, validateAll, validateManifest, type Manifest, type RegisteredResource } from './k8s-schema';

// Internal (exported by the module, absent from its typings).
const { waitForRPCs } = require('@pulumi/pulumi/runtime/settings') as { waitForRPCs(): Promise<void> };

async function record(build: () => void): Promise<RegisteredResource[]> {
  const resources: RegisteredResource[] = [];
  pulumi.runtime.setMocks(
    {
      newResource: async (args) => {
        resources.push({ type: args.type, name: args.name, custom: args.custom ?? true, inputs: args.inputs });
        return { id: `${args.name}-id`, state: args.inputs };
      },
      call: (args) => args.inputs,
    },
    project,
    'dev',
    false,
  );
  build();
  await waitForRPCs();
  await new Promise((resolve) => setTimeout(resolve, 50));
  await waitForRPCs();
  return resources;
}

const container = { name: 'app', image: 'registry.example/app:1.0', ports: [{ containerPort: 8080, name: 'http' }] };
const deploymentSpec = {
  selector: { matchLabels: { 'lab.part': 'app' } },
  template: { metadata: { labels: { 'lab.part': 'app' } }, spec: { containers: [container] } },
};

describe('Kubernetes manifests against the OpenAPI schema of Kubernetes 1.36.0', () => {
  let resources: RegisteredResource[];
  before(async () => {
    resources = await record(() => {
      networkPolicies({
        naming: makeNaming(project, 'dev'),
        namespace: 'observability-lab-dev',
        parts: [
          { part: 'postgres', podLabels: { 'lab.part': 'postgres' }, networks: ['data'], listens: [{ port: 5432 }] },
          { part: 'app', podLabels: { 'lab.part': 'app' }, networks: ['edge', 'data'], listens: [{ port: 8080 }], published: [8080] },
        ],
      }, {});
    });
  });

  test('every manifest of `target: kubernetes` is valid, in every shape the knobs give it', async () => {
    const variants: Record<string, string>[] = [
      { target: 'kubernetes' },
      // An autoscaler instead of a fixed count, load balancers, a storage class and sizes, the soak (a detached Job).
      {
        target: 'kubernetes',
        autoscaling: 'true',
        kubernetesServiceType: 'LoadBalancer',
        kubernetesStorageClass: 'standard',
        kubernetesVolumeSizes: JSON.stringify(['postgres=10Gi']),
        k6Scenario: 'soak',
        // A Docker Hub login: the image pull secret and every pod's imagePullSecrets.
        dockerHubUser: 'lab-user',
        dockerHubToken: 'dckr_pat_x',
      },
    ];
    const kinds = new Set<string>();
    for (const config of variants) {
      const run = await runProgram({ stack: 'dev', config, secretKeys: config.dockerHubToken ? ['dockerHubToken'] : [] });
      const manifests = kubernetesResources(run.resources);
      assert.ok(manifests.length > 40, `${manifests.length} manifests for ${JSON.stringify(config)}`);
      for (const r of manifests) kinds.add(manifestOf(r).kind);
      assert.deepEqual(await validateAll(run.resources), [], JSON.stringify(config));
    }
    // The same check on one of those manifests, broken the way a slip in the target would break it.
    const run = await runProgram({ stack: 'dev', config: variants[0]! });
    const deployment = kubernetesResources(run.resources).find((r) => manifestOf(r).kind === 'Deployment')!;
    const broken = structuredClone(manifestOf(deployment)) as any;
    broken.spec.template.spec.containers[0].ports[0].containerPort = String(broken.spec.template.spec.containers[0].ports[0].containerPort);
    delete broken.spec.selector;
    const problems = await validateManifest(deployment.type, broken);
    assert.equal(problems.length, 1, JSON.stringify(problems));
    assert.match(problems[0]!.message, /containerPort must be integer/);
    assert.match(problems[0]!.message, /required property 'selector'|required property selector/);
    for (const kind of ['Namespace', 'Deployment', 'StatefulSet', 'Job', 'Pod', 'Service', 'ConfigMap', 'Secret', 'NetworkPolicy', 'HorizontalPodAutoscaler']) {
      assert.ok(kinds.has(kind), `a ${kind} was validated (validated: ${[...kinds].sort().join(', ')})`);
    }
  });

  test('the network policies are valid', async () => {
    const policies = kubernetesResources(resources);
    assert.equal(policies.length, 4);
    assert.deepEqual(await validateAll(resources), []);
  });

  test('a manifest with a schema error is refused, with the path of the error', async () => {
    const valid: Manifest = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'app' }, spec: deploymentSpec };
    assert.deepEqual(await validateManifest('kubernetes:apps/v1:Deployment', valid), []);
    const cases: [string, Manifest, RegExp][] = [
      ['no selector', { ...valid, spec: { template: deploymentSpec.template } }, /spec must have required property 'selector'|required property selector/],
      ['a port as a string', { ...valid, spec: { ...deploymentSpec, template: { ...deploymentSpec.template, spec: { containers: [{ ...container, ports: [{ containerPort: '8080' }] }] } } } }, /containerPort must be integer/],
      ['a memory limit that is no quantity', { ...valid, spec: { ...deploymentSpec, template: { ...deploymentSpec.template, spec: { containers: [{ ...container, resources: { limits: { memory: 'lots' } } }] } } } }, /memory must match format "quantity"/],
      ['a probe without its port', { ...valid, spec: { ...deploymentSpec, template: { ...deploymentSpec.template, spec: { containers: [{ ...container, readinessProbe: { httpGet: { path: '/ready' } } }] } } } }, /httpGet must have required property 'port'|required property port/],
      ['an unknown policy type', { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', spec: { podSelector: {}, policyTypes: ['Both'] } }, /policyTypes\/0 must be equal to one of the allowed values/],
    ];
    for (const [what, manifest, message] of cases) {
      const type = manifest.kind === 'Deployment' ? 'kubernetes:apps/v1:Deployment' : 'kubernetes:networking.k8s.io/v1:NetworkPolicy';
      const problems = await validateManifest(type, manifest);
      assert.equal(problems.length, 1, `${what}: ${JSON.stringify(problems)}`);
      assert.match(problems[0]!.message, message, what);
    }
  });

  test('a registered resource with a broken field is caught as the provider would receive it', async () => {
    const broken = await record(() => {
      new k8s.apps.v1.Deployment('broken', {
        metadata: { name: 'broken' },
        // Typed as Input<number>; a computed value can still arrive as a string, which the API server refuses.
        spec: { ...deploymentSpec, replicas: pulumi.output('two' as unknown as number) },
      });
    });
    const problems = await validateAll(broken);
    assert.equal(problems.length, 1, JSON.stringify(problems));
    assert.match(problems[0]!.message, /spec\/replicas must be integer/);
    assert.equal(manifestOf(broken[0]!).kind, 'Deployment');
  });

  test('a beta or removed API version, a kind the schema does not know, and a type/apiVersion mismatch are refused', async () => {
    const hpa = { apiVersion: 'autoscaling/v2beta2', kind: 'HorizontalPodAutoscaler', spec: { scaleTargetRef: { kind: 'Deployment', name: 'app' }, maxReplicas: 3 } };
    assert.match((await validateManifest('kubernetes:autoscaling/v2beta2:HorizontalPodAutoscaler', hpa))[0]!.message, /not a GA API version/);
    assert.match((await validateManifest('kubernetes:apps/v1:Deploymentt', { apiVersion: 'apps/v1', kind: 'Deploymentt' }))[0]!.message, /no schema/);
    assert.match((await validateManifest('kubernetes:apps/v1:Deployment', { apiVersion: 'apps/v1', kind: 'StatefulSet' }))[0]!.message, /expected apps\/v1\/Deployment/);
  });

  test('an unknown field does not typecheck in a typed @pulumi/kubernetes object (the schema itself would let it through)', async () => {
    const spec: k8s.types.input.apps.v1.DeploymentSpec = {
      ...deploymentSpec,
      // @ts-expect-error `replica` is not a DeploymentSpec field: tsc (npm test's typecheck) fails if this line compiles.
      replica: 2,
    };
    // The schema accepts it: that is why the typecheck is the check for unknown fields.
    assert.deepEqual(await validateManifest('kubernetes:apps/v1:Deployment', { apiVersion: 'apps/v1', kind: 'Deployment', spec }), []);
  });
});
