import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createAvailability, DatabaseDown, type AvailabilityState } from '../src/db/availability';

const lost = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
const full = Object.assign(new Error('sorry, too many clients already'), { code: '53300' });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The breaker with a probe whose outcome the test sets: its own state machine, no database involved. */
function breaker(probeTimeoutMs = 200) {
  let next: () => Promise<unknown> = () => Promise.resolve();
  const states: AvailabilityState[] = [];
  let abandoned = 0;
  const availability = createAvailability({
    probe: () => next(),
    probeIntervalMs: 20,
    probeTimeoutMs,
    abandonProbe: () => abandoned++,
    onChange: (state) => states.push(state),
  });
  return {
    availability,
    states,
    abandoned: () => abandoned,
    probeWill: (outcome: () => Promise<unknown>) => (next = outcome),
  };
}

describe('the database breaker', () => {
  it('lets statements through while it probes, refuses them once a probe fails, and closes when one succeeds', async () => {
    const { availability, states, probeWill } = breaker();
    probeWill(() => Promise.reject(refused));
    availability.observe(lost);
    assert.equal(availability.state, 'probing');
    await sleep(5);
    assert.equal(availability.state, 'down');
    assert.throws(() => availability.admit(), DatabaseDown);
    probeWill(() => Promise.resolve());
    await sleep(60);
    assert.equal(availability.state, 'up');
    assert.doesNotThrow(() => availability.admit());
    assert.deepEqual(states, ['probing', 'down', 'up']);
    availability.close();
  });

  it('stays closed when the probe finds the server fine (one backend killed)', async () => {
    const { availability, states } = breaker();
    availability.observe(lost);
    await sleep(5);
    assert.equal(availability.state, 'up');
    assert.deepEqual(states, ['probing', 'up']);
    availability.close();
  });

  it('ignores statement errors and too_many_connections: the server is up and the open connections work', async () => {
    const { availability, states, probeWill } = breaker();
    probeWill(() => Promise.reject(full));
    availability.observe(Object.assign(new Error('division by zero'), { code: '22012' }));
    availability.observe(full);
    await sleep(5);
    assert.deepEqual(states, []);
    availability.observe(lost);
    await sleep(5);
    assert.equal(availability.state, 'up', 'a probe answered with 53300 reached the server');
    availability.close();
  });

  it('abandons a probe that hangs, so a stuck connection cannot hold every later probe', async () => {
    const { availability, abandoned, probeWill } = breaker(30);
    probeWill(() => new Promise(() => undefined));
    availability.observe(lost);
    await sleep(50);
    assert.equal(availability.state, 'down');
    assert.ok(abandoned() >= 1);
    probeWill(() => Promise.resolve());
    await sleep(80);
    assert.equal(availability.state, 'up');
    availability.close();
  });
});
