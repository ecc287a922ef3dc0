import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createAvailability, DatabaseDown, DatabaseStoppedAnswering, type AvailabilityState } from '../src/db/availability';
import { isDatabaseUnavailable, mayHaveTakenEffect } from '../src/db/errors';

const lost = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
const full = Object.assign(new Error('sorry, too many clients already'), { code: '53300' });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The breaker with a probe whose outcome the test sets: its own state machine, no database involved. */
function breaker(probeTimeoutMs = 200, stallMs?: number) {
  let next: () => Promise<unknown> = () => Promise.resolve();
  const states: AvailabilityState[] = [];
  let abandoned = 0;
  const availability = createAvailability({
    probe: () => next(),
    probeIntervalMs: 20,
    probeTimeoutMs,
    abandonProbe: () => abandoned++,
    stallMs,
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

  it('probes when a statement gets no answer (a black-holed connection fails nothing), and abandons what waits once the probe fails', async () => {
    const { availability, states, probeWill } = breaker(30, 60);
    probeWill(() => new Promise(() => undefined));
    const abandonedWith: Error[] = [];
    availability.waitFor('statement', (error) => abandonedWith.push(error));
    availability.waitFor('transaction', (error) => abandonedWith.push(error));
    await sleep(40);
    assert.deepEqual(states, [], 'younger than stallMs: nothing happens');
    await sleep(200);
    assert.deepEqual(states, ['probing', 'down']);
    assert.equal(abandonedWith.length, 2, 'the statement and the transaction it belongs to');
    for (const error of abandonedWith) {
      assert.ok(error instanceof DatabaseStoppedAnswering);
      assert.ok(isDatabaseUnavailable(error), 'answered 503');
      assert.ok(mayHaveTakenEffect(error), 'it was sent: a write may have committed, so its outcome is unknown');
    }
    availability.close();
  });

  it('abandons nothing when the probe finds the database answering (slow, not gone), and probes a long statement once per stallMs', async () => {
    const { availability, states } = breaker(30, 60);
    let abandoned = 0;
    const answered = availability.waitFor('statement', () => abandoned++);
    await sleep(150);
    assert.equal(abandoned, 0);
    assert.equal(availability.state, 'up');
    assert.ok(states.filter((state) => state === 'probing').length <= 3, `probes: ${states.length / 2}`);
    answered();
    const before = states.length;
    await sleep(150);
    assert.equal(states.length, before, 'an answered statement is no longer watched');
    availability.close();
  });

  it('does not watch a transaction\'s age: its length is its statements\'', async () => {
    const { availability, states } = breaker(30, 30);
    availability.waitFor('transaction', () => undefined);
    await sleep(120);
    assert.deepEqual(states, []);
    availability.close();
  });
});
