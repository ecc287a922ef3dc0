import assert from 'node:assert/strict';
import { test } from 'node:test';
import { plannedDurationSeconds, scenarioNames } from '../src/index';

test('every scenario has a finite planned duration that follows its parameters', () => {
  for (const scenario of scenarioNames) {
    const planned = plannedDurationSeconds(scenario);
    assert.ok(Number.isFinite(planned) && planned > 0, `${scenario}: ${planned}`);
  }
  // The soak runs an hour by default, plus k6's 30 s graceful stop; a shorter DURATION shortens it.
  assert.equal(plannedDurationSeconds('soak'), 3600 + 30);
  assert.equal(plannedDurationSeconds('soak', { DURATION: '10m' }), 600 + 30);
  assert.ok(plannedDurationSeconds('load-test', { HOLD: '30m' }) > plannedDurationSeconds('load-test'));
  assert.ok(plannedDurationSeconds('smoke') < 15 * 60, 'the post-deploy smoke fits an attached run');
});
