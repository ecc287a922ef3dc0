/**
 * How long `pulumi up` stays with a k6 run. Attached, the provider waits for the container inside its create
 * call, bounded by the create timeout (20 minutes unless `customTimeouts` says otherwise: kreuzwerker v4.5.0
 * resource_docker_container.go); the program sizes that timeout from the run's plan, so a run the user asked
 * to keep attached (`k6AttachedMaxMinutes`) brings its exit code and summary back however long it is.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { plannedDurationSeconds } from '@lab/load';
import { attachedCreateTimeout, providerCreateTimeoutSeconds } from '../src/targets/docker/container';
import { byPart, containers } from './graph';
import { runProgram } from './harness';

/** Seconds of a Go duration as `customTimeouts` carries it (`1h10m0s`). */
function seconds(duration: string): number {
  const match = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(duration);
  assert.ok(match && duration !== '', `"${duration}" is a Go duration`);
  return Number(match[1] ?? 0) * 3600 + Number(match[2] ?? 0) * 60 + Number(match[3] ?? 0);
}

describe('k6 attached or detached', () => {
  test('by default the soak (planned 1 h) starts detached: no wait, no timeout to outlast, a summary that says how to follow it', async () => {
    const run = await runProgram({ stack: 'k6soak', config: { k6Scenario: 'soak' } });
    const k6 = byPart(containers(run.resources), 'k6').raw;
    assert.equal(k6.inputs.attach, false);
    assert.equal(k6.createTimeout, '');
    const result = run.outputs.k6Result as { exitCode: number | null; summary: string };
    assert.equal(result.exitCode, null);
    assert.match(result.summary, /over k6AttachedMaxMinutes, 15\): docker logs -f /);
  });

  test('with k6AttachedMaxMinutes above its plan, the soak stays attached, with a create timeout past its end, and reports its exit code', async () => {
    const planned = plannedDurationSeconds('soak');
    assert.ok(planned > providerCreateTimeoutSeconds, `the soak (${planned} s) outlasts the provider's default create timeout`);
    const run = await runProgram({ stack: 'k6long', config: { k6Scenario: 'soak', k6AttachedMaxMinutes: '90' }, exitCodes: { k6: 99 } });
    const k6 = byPart(containers(run.resources), 'k6').raw;
    assert.equal(k6.inputs.attach, true);
    assert.equal(k6.inputs.logs, true);
    const timeout = seconds(k6.createTimeout);
    assert.ok(timeout > planned, `create timeout ${k6.createTimeout} outlasts the planned ${planned} s`);
    assert.ok(timeout <= planned + 15 * 60, `and is not much longer (${k6.createTimeout})`);
    const result = run.outputs.k6Result as { exitCode: number | null; passed: boolean | null; summary: string };
    assert.equal(result.exitCode, 99);
    assert.equal(result.passed, false);
    assert.match(result.summary, /checks/);
  });

  test('a short run keeps at least the provider default, and no other container gets a create timeout', async () => {
    const run = await runProgram({ stack: 'k6smoke' });
    const views = containers(run.resources);
    const k6 = byPart(views, 'k6').raw;
    assert.equal(k6.inputs.attach, true);
    assert.equal(seconds(k6.createTimeout), providerCreateTimeoutSeconds);
    for (const view of views.filter((v) => v.raw !== k6)) assert.equal(view.raw.createTimeout, '', view.logicalName);
    assert.equal(attachedCreateTimeout(3600), '1h10m0s');
  });
});
