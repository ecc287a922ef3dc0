/**
 * A second `pulumi up` (or a refresh) after the first is a no-op, and a change the provider would not
 * carry to Docker on its own replaces the container. What the provider reads back is taken from
 * kreuzwerker/terraform-provider-docker v4.5.0 (resource_docker_container_funcs.go, resourceDockerContainerRead):
 * memory_swap as Docker stores it, health-check durations as Go's Duration.String().
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import type { HealthCheck } from '../src/container';
import { dockerHealthcheck, healthcheckLabel, healthcheckSha256 } from '../src/targets/docker/container';
import { goDuration, goDurationOfMs, parseGoDurationMs } from '../src/go-duration';
import { containers, unwrap, type ContainerView } from './graph';
import { runProgram } from './harness';

describe("Go's canonical duration form", () => {
  test('renders what time.Duration.String() prints', () => {
    const cases: [number, string][] = [
      [10, '10s'],
      [60, '1m0s'],
      [90, '1m30s'],
      [120, '2m0s'],
      [300, '5m0s'],
      [0.5, '500ms'],
      [1.5, '1.5s'],
      [3600, '1h0m0s'],
      [3661.25, '1h1m1.25s'],
      [0, '0s'],
    ];
    for (const [seconds, text] of cases) assert.equal(goDuration(seconds), text, `${seconds} s`);
    assert.equal(goDurationOfMs(60_050), '1m0.05s');
    assert.throws(() => goDuration(0.0005), /whole milliseconds/);
    assert.throws(() => goDurationOfMs(-1), /non-negative/);
  });

  test('parses h, m, s and ms terms, so a non-canonical string is told apart from its canonical form', () => {
    assert.equal(parseGoDurationMs('60s'), 60_000);
    assert.equal(parseGoDurationMs('1m0s'), 60_000);
    assert.equal(parseGoDurationMs('1h2m3.5s'), 3_723_500);
    assert.equal(parseGoDurationMs('500ms'), 500);
    assert.notEqual(goDurationOfMs(parseGoDurationMs('60s')), '60s');
    assert.throws(() => parseGoDurationMs('1d'), /not a Go duration/);
  });
});

describe('what the provider reads back equals what the program sends', () => {
  let views: ContainerView[];
  let noSwapAccounting: ContainerView[];
  before(async () => {
    views = containers((await runProgram({ stack: 'dev' })).resources);
    noSwapAccounting = containers((await runProgram({ stack: 'noswap', config: { swapLimit: 'false' } })).resources);
  });

  test('every container sets memory swap equal to its memory limit (Docker would store twice the limit)', () => {
    for (const view of views) {
      const inputs = unwrap(view.raw.inputs);
      assert.equal(inputs.memorySwap, inputs.memory, `${view.logicalName}: no swap on top of its limit`);
    }
  });

  test('memorySwap is ignored in diffs only on a host without swap accounting (swapLimit: false)', () => {
    for (const view of views) assert.deepEqual(view.raw.ignoreChanges, [], view.logicalName);
    assert.equal(noSwapAccounting.length, views.length);
    for (const view of noSwapAccounting) {
      assert.deepEqual(view.raw.ignoreChanges, ['memorySwap'], `${view.logicalName}: Docker records -1 there`);
      assert.equal(unwrap(view.raw.inputs).memorySwap, unwrap(view.raw.inputs).memory, view.logicalName);
    }
  });

  test('every health-check duration is in the form the provider reads back (parsed and rendered, unchanged)', () => {
    const checked = views.filter((view) => view.raw.inputs.healthcheck !== undefined);
    assert.ok(checked.length >= 12, `${checked.length} health checks`);
    for (const view of checked) {
      const check = unwrap(view.raw.inputs.healthcheck);
      for (const field of ['interval', 'timeout', 'startPeriod'] as const) {
        if (check[field] === undefined) continue;
        assert.equal(goDurationOfMs(parseGoDurationMs(check[field])), check[field], `${view.logicalName} ${field} "${check[field]}"`);
      }
    }
    // The long start periods are the ones a plain seconds string would get wrong.
    const startPeriods = checked.map((view) => view.raw.inputs.healthcheck.startPeriod as string);
    assert.ok(startPeriods.some((text) => text.includes('m')), startPeriods.join(' '));
  });
});

describe('a changed health check reaches Docker', () => {
  test("every checked container carries its check's hash as a label (labels replace the container)", async () => {
    const views = containers((await runProgram({ stack: 'hc' })).resources);
    const checked = views.filter((view) => view.raw.inputs.healthcheck !== undefined);
    assert.ok(checked.length >= 12);
    for (const view of checked) {
      assert.equal(view.labels[healthcheckLabel], healthcheckSha256(unwrap(view.raw.inputs.healthcheck)), view.logicalName);
    }
    for (const view of views.filter((v) => v.raw.inputs.healthcheck === undefined)) {
      assert.equal(view.labels[healthcheckLabel], undefined, view.logicalName);
    }
    // Different checks, different labels: the label is about the check, not the part.
    assert.ok(new Set(checked.map((view) => view.labels[healthcheckLabel])).size >= 8);
  });

  test('any change of command, timing or retries changes the hash; an identical check keeps it', () => {
    const base: HealthCheck = { tests: ['CMD', 'true'], intervalSeconds: 5, timeoutSeconds: 3, retries: 12, startPeriodSeconds: 30 };
    const hash = (check: HealthCheck) => healthcheckSha256(dockerHealthcheck(check));
    assert.equal(hash({ ...base }), hash(base));
    const changed: HealthCheck[] = [
      { ...base, tests: ['CMD', 'false'] },
      { ...base, intervalSeconds: 10 },
      { ...base, timeoutSeconds: 5 },
      { ...base, retries: 3 },
      { ...base, startPeriodSeconds: 60 },
    ];
    for (const check of changed) assert.notEqual(hash(check), hash(base), JSON.stringify(check));
  });
});
