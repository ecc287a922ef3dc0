/**
 * `target: docker` and `target: kubernetes` build the same platform from the same graph: the same parts, the
 * same config file contents at the same paths, the same env per part (addresses included: every part is
 * reached by the same `<project>-<stack>-<part>` name on both), the same command lines, and the same secrets
 * wired the same way from the same random resources. Only what a target must do differently is allowed to
 * differ, each difference named below with its reason.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { defaultSettings } from '../src/settings';
import { containers, unwrap } from './graph';
import { mockSecretPrefix, runProgram, type ProgramRun } from './harness';
import { partViews, viewOf, type PartView } from './target-views';

const stack = 'dev';

/**
 * Traefik's routes to the app: Docker balances over the replica containers itself (one server per replica,
 * health-checked); on Kubernetes the app's Service balances over ready pods, so the route has that one
 * server and no health check of its own. The rest of the routes file must be equal.
 */
function withoutAppServers(path: string, content: string): string {
  if (!path.endsWith('/routes.yml')) return content;
  const routes = parseYaml(content) as { http?: { services?: Record<string, { loadBalancer?: Record<string, unknown> }> } };
  for (const service of Object.values(routes.http?.services ?? {})) {
    if (!service.loadBalancer) continue;
    delete service.loadBalancer.servers;
    delete service.loadBalancer.healthCheck;
  }
  return JSON.stringify(routes);
}

/**
 * The addresses users reach published parts by: Docker's `bindAddress:hostPort`, Kubernetes' `nodeAddress:nodePort`
 * of the part's external Service. Each becomes `<published part:port>`, so a part that tells users where it is
 * (Alertmanager's external URL) compares equal; no other address may differ.
 */
function publishedAddresses(dockerRun: ProgramRun, kubeRun: ProgramRun): { docker: Map<string, string>; kube: Map<string, string> } {
  const docker = new Map<string, string>();
  for (const view of containers(dockerRun.resources)) {
    for (const port of view.ports) docker.set(`${port.ip}:${port.external}`, `<published ${view.labels['lab.part']}:${port.internal}>`);
  }
  const kube = new Map<string, string>();
  for (const r of kubeRun.resources.filter((r) => r.type === 'kubernetes:core/v1:Service')) {
    const service = unwrap(r.inputs);
    if (service.spec.type !== 'NodePort') continue;
    for (const port of service.spec.ports) {
      kube.set(`${defaultSettings.kubernetesNodeAddress}:${port.nodePort}`, `<published ${service.metadata.labels['lab.part']}:${port.targetPort}>`);
    }
  }
  assert.deepEqual([...kube.values()].sort(), [...docker.values()].sort(), 'the same ports published on both targets');
  return { docker, kube };
}

function replaceAll(text: string, addresses: Map<string, string>): string {
  let result = text;
  for (const [address, name] of addresses) result = result.replaceAll(address, name);
  return result;
}

/** Which generated secrets (by their random resource) a value is built from. */
function secretsIn(value: string): string[] {
  return [...value.matchAll(new RegExp(`${mockSecretPrefix}[\\w-]+`, 'g'))].map((m) => m[0]).sort();
}

describe('the two targets agree', () => {
  let dockerRun: ProgramRun;
  let kubeRun: ProgramRun;
  let docker: PartView[];
  let kube: PartView[];
  let addresses: { docker: Map<string, string>; kube: Map<string, string> };
  before(async () => {
    dockerRun = await runProgram({ stack });
    kubeRun = await runProgram({ stack, config: { target: 'kubernetes' } });
    docker = partViews('docker', dockerRun);
    kube = partViews('kubernetes', kubeRun);
    addresses = publishedAddresses(dockerRun, kubeRun);
  });

  test('the same parts, the same ones run to completion', () => {
    assert.deepEqual(kube.map((v) => v.part).sort(), docker.map((v) => v.part).sort());
    assert.deepEqual(kube.filter((v) => v.oneShot).map((v) => v.part).sort(), docker.filter((v) => v.oneShot).map((v) => v.part).sort());
    assert.ok(docker.length >= 16, `${docker.length} parts`);
  });

  test('the same config files, with the same contents, at the same paths', () => {
    let compared = 0;
    for (const d of docker) {
      const k = viewOf(kube, d.part);
      const files = (v: PartView, at: Map<string, string>) => Object.fromEntries(v.files.map((f) => [f.path, replaceAll(withoutAppServers(f.path, f.content), at)]));
      assert.deepEqual(files(k, addresses.kube), files(d, addresses.docker), `${d.part}'s files`);
      compared += d.files.length;
    }
    assert.ok(compared >= 15, `${compared} files compared`);
  });

  test('a part health-checked on Docker has a liveness probe on Kubernetes, and the reverse', () => {
    for (const d of docker) assert.equal(viewOf(kube, d.part).healthChecked, d.healthChecked, `${d.part}`);
    assert.ok(docker.filter((d) => d.healthChecked).length >= 10);
  });

  test('the same env per part, the same command lines', () => {
    for (const d of docker) {
      const k = viewOf(kube, d.part);
      const env = (v: PartView, at: Map<string, string>) => Object.fromEntries(Object.entries(v.env).map(([name, value]) => [name, replaceAll(value, at)]));
      assert.deepEqual(env(k, addresses.kube), env(d, addresses.docker), `${d.part}'s env`);
      assert.deepEqual(k.argv.map((w) => replaceAll(w, addresses.kube)), d.argv.map((w) => replaceAll(w, addresses.docker)), `${d.part}'s command line`);
    }
  });

  test('the same secrets, from the same random resources, reach the same env vars and files, as secrets', () => {
    const randomNames = (run: ProgramRun) =>
      run.resources.filter((r) => r.type.startsWith('random:')).map((r) => `${r.type} ${r.name}`).sort();
    assert.deepEqual(randomNames(kubeRun), randomNames(dockerRun));
    let wired = 0;
    for (const d of docker) {
      const k = viewOf(kube, d.part);
      const envWiring = (v: PartView) => Object.fromEntries(Object.entries(v.env).filter(([, value]) => secretsIn(value).length > 0).map(([name, value]) => [name, secretsIn(value)]));
      assert.deepEqual(envWiring(k), envWiring(d), `${d.part}: which env var carries which generated secret`);
      // On Kubernetes each of them comes from the part's Secret (secretKeyRef), never a plain value.
      assert.deepEqual([...k.secretEnv].filter((name) => name in envWiring(k)).sort(), Object.keys(envWiring(k)).sort(), `${d.part}: secrets through secretKeyRef`);
      const fileWiring = (v: PartView) => Object.fromEntries(v.files.filter((f) => secretsIn(f.content).length > 0).map((f) => [f.path, secretsIn(f.content)]));
      assert.deepEqual(fileWiring(k), fileWiring(d), `${d.part}: which file carries which generated secret`);
      for (const file of k.files) assert.equal(file.secret, secretsIn(file.content).length > 0, `${d.part} ${file.path}: from a Secret exactly when it holds one`);
      wired += Object.keys(envWiring(d)).length + Object.keys(fileWiring(d)).length;
    }
    assert.ok(wired >= 10, `${wired} secret wirings compared`);
  });
});
