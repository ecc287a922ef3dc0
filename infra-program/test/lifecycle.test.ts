/**
 * What a real `pulumi up`, a replacement and a `pulumi destroy` do with the containers, as read in the
 * Docker provider's source (kreuzwerker/terraform-provider-docker v4.5.0, under @pulumi/docker 5.x).
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { runProgram, type ProgramRun } from './harness';
import { byPart, containers, type ContainerView } from './graph';
import { dockerDefaultStopSeconds } from '../src/container';

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
