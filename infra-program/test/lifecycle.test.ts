/**
 * What a real `pulumi up`, a replacement and a `pulumi destroy` do with the containers, as read in the
 * Docker provider's source (kreuzwerker/terraform-provider-docker v4.5.0, under @pulumi/docker 5.x).
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import * as pulumi from '@pulumi/pulumi';
import { mockPulled, runProgram, type ProgramRun } from './harness';
import { byPart, containers, isSecretValue, unwrap, type ContainerView } from './graph';
import { dockerDefaultStopSeconds } from '../src/targets/docker/container';
import { dockerHubRegistry } from '../src/docker-provider';
import { images } from '../src/images';
import { SettingsError } from '../src/settings';

describe('replacing and destroying containers', () => {
  let run: ProgramRun;
  let views: ContainerView[];
  before(async () => {
    run = await runProgram({ stack: 'dev' });
    views = containers(run.resources);
  });

  test('every container that runs on is stopped with a grace equal to its own stop timeout', () => {
    // resourceDockerContainerDelete: ContainerStop with Timeout = destroy_grace_seconds, else 0 (SIGKILL at
    // once, whatever the container's stop timeout says); an attached job is removed without a stop.
    const running = views.filter((view) => !view.oneShot);
    assert.ok(running.length >= 13, 'every long-running part is checked');
    for (const view of running) {
      const { stopTimeout, destroyGraceSeconds } = view.raw.inputs;
      assert.ok(Number.isInteger(destroyGraceSeconds) && destroyGraceSeconds > 0, `${view.logicalName} has a destroy grace`);
      assert.equal(destroyGraceSeconds, stopTimeout, `${view.logicalName}: the grace is its stop timeout`);
      assert.ok(stopTimeout >= dockerDefaultStopSeconds, `${view.logicalName} gets at least Docker's default`);
    }
  });

  test('parts with a longer shutdown get longer than Docker default', () => {
    for (const part of ['postgres', 'loki', 'tempo', 'prometheus']) {
      assert.ok(byPart(views, part).raw.inputs.destroyGraceSeconds > dockerDefaultStopSeconds, part);
    }
    // Traefik serves pending requests for its default 10 s graceTimeOut after SIGTERM.
    assert.ok(byPart(views, 'traefik').raw.inputs.destroyGraceSeconds > 10);
  });

  test("a replica's grace outlasts its own shutdown budget (SHUTDOWN_GRACE_MS)", () => {
    for (const part of ['shop-api-1', 'shop-api-2']) {
      const replica = byPart(views, part);
      const budgetMs = Number(replica.env.SHUTDOWN_GRACE_MS);
      assert.ok(budgetMs > 0);
      assert.ok(replica.raw.inputs.destroyGraceSeconds * 1000 > budgetMs, `${part} is not killed mid-drain on a replace`);
    }
  });
});

describe('images: pulled by RemoteImage, removed on destroy', () => {
  let run: ProgramRun;
  let views: ContainerView[];
  before(async () => {
    run = await runProgram({ stack: 'dev' });
    views = containers(run.resources);
  });
  const remoteImages = (resources: ProgramRun['resources']) =>
    resources
      .filter((r) => r.type === 'docker:index/remoteImage:RemoteImage')
      .map((r) => ({ logical: r.name, ...(unwrap(r.inputs) as { name: string; keepLocally?: boolean; forceRemove?: boolean }) }));
  const builtLocal = 'shop-api-image-local';

  test('every container runs an image a RemoteImage pulled (or found), by content: its repo digest or id', () => {
    const pulled = remoteImages(run.resources);
    for (const view of views) {
      const source = pulled.find((image) => [mockPulled(image.name).repoDigest, mockPulled(image.name).imageId].includes(view.imageRef));
      assert.ok(source, `${view.logicalName} runs ${view.imageRef}, which no RemoteImage provides`);
      assert.match(view.imageRef, /@sha256:|^sha256:/, `${view.logicalName} runs by content, not by tag`);
      // A pulled image: the repo digest (pullable again by digest); the local build: its id.
      assert.equal(view.imageRef, mockPulled(source.name).repoDigest || mockPulled(source.name).imageId);
    }
    // Each pinned image is pulled once, under its pinned name, however many containers run it.
    const upstream = pulled.filter((image) => image.logical !== builtLocal);
    assert.equal(new Set(upstream.map((image) => image.name)).size, upstream.length);
    for (const image of upstream) assert.equal(image.logical, `image-${upstreamKeyOf(image.name)}`, `${image.name} is a pinned image`);
    assert.ok(upstream.length >= 13);
  });

  test('images, pulled and built, go away on destroy unless keepImages says otherwise', async () => {
    for (const image of remoteImages(run.resources)) {
      assert.equal(image.keepLocally, false, `${image.name} is removed on destroy by default`);
    }
    const kept = remoteImages((await runProgram({ stack: 'keep', config: { keepImages: 'true' } })).resources);
    // keepImages keeps every image, the built one included (two stacks on one host can share them).
    assert.ok(kept.length >= 14 && kept.every((i) => i.keepLocally === true));
  });

  test('the built service image is removed too: a RemoteImage named by its id, forced past extra tags', () => {
    const build = run.resources.find((r) => r.type === 'docker:index/image:Image')!;
    const local = remoteImages(run.resources).find((i) => i.logical === builtLocal)!;
    assert.equal(local.keepLocally, false);
    assert.equal(local.forceRemove, true);
    assert.match(local.name, /^sha256:/, "named by the build's image id (docker.Image's repoDigest for an unpushed image)");
    for (const part of ['shop-api-migrate', 'shop-api-1', 'shop-api-2']) {
      assert.equal(byPart(views, part).imageRef, local.name, `${part} runs the built image by id`);
    }
  });

  test('every Docker resource goes through the one explicit provider', () => {
    const providers = run.resources.filter((r) => r.type === 'pulumi:providers:docker');
    assert.equal(providers.length, 1, 'one Docker provider, no default one');
    const dockerResources = run.resources.filter((r) => r.type.startsWith('docker:'));
    assert.ok(dockerResources.length > 20);
    for (const r of dockerResources) {
      assert.match(r.provider ?? '', /::pulumi:providers:docker::docker::/, `${r.type} ${r.name} uses the lab's provider`);
    }
  });
});

describe('registry credentials come only from secret stack config', () => {
  const providerOf = (run: ProgramRun) => run.resources.find((r) => r.type === 'pulumi:providers:docker')!;

  test('without credentials the provider pulls anonymously', async () => {
    const run = await runProgram({ stack: 'anon' });
    assert.equal(unwrap(providerOf(run).inputs).registryAuth, undefined);
  });

  test('a user and a secret token become the Docker Hub registry auth, the token still a secret', async () => {
    const run = await runProgram({ stack: 'auth', config: { dockerHubUser: 'me', dockerHubToken: 'dckr_pat_x' }, secretKeys: ['dockerHubToken'] });
    // A provider's object inputs travel as JSON; holding the token, the whole value stays a secret.
    const registryAuth = providerOf(run).inputs.registryAuth;
    assert.ok(isSecretValue(registryAuth), 'the token stays a secret in the provider inputs (and the state)');
    const [auth, ...others] = JSON.parse(unwrap(registryAuth));
    assert.equal(others.length, 0);
    // The key pullImage looks credentials up by for an image without a registry host.
    assert.deepEqual(auth, { address: dockerHubRegistry, username: 'me', password: 'dckr_pat_x' });
  });

  test('a token given in plain text, or only half the credentials, fails naming the key', async () => {
    await assert.rejects(
      runProgram({ stack: 'plain', config: { dockerHubUser: 'me', dockerHubToken: 'dckr_pat_x' } }),
      (error: unknown) => error instanceof SettingsError && /observability-lab:dockerHubToken must be a secret: pulumi config set --secret/.test(error.message),
    );
    await assert.rejects(
      runProgram({ stack: 'half', config: { dockerHubUser: 'me' } }),
      (error: unknown) => error instanceof SettingsError && /observability-lab:dockerHubToken must be set too/.test(error.message),
    );
  });

  test("the SDK's secret-key check that index.ts relies on still exists and reads the CLI's secret keys", () => {
    const { isConfigSecret } = require('@pulumi/pulumi/runtime/config') as { isConfigSecret(key: string): boolean };
    pulumi.runtime.setAllConfig({ 'p:a': '1', 'p:b': '2' }, ['p:b']);
    assert.equal(isConfigSecret('p:a'), false);
    assert.equal(isConfigSecret('p:b'), true);
  });
});

/** The `images` key whose pinned name is `name`. */
function upstreamKeyOf(name: string): string | undefined {
  return Object.entries(images).find(([, pinned]) => pinned === name)?.[0];
}
