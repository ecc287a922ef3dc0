/** The `faults` and `faultScenario` knobs: types, bounds, unknown keys, routes, and the scenario merge. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { faultableRoutes } from '@lab/service/fault-flags';
import { shopApiMemoryMb } from '../src/components/shop-service';
import { type FaultScenarioLike, memoryLeakCapBounds, mergeFaults, readFaults, scenarioProblems } from '@lab/service/failure-lab';

const rules = { routes: faultableRoutes, replicaMemoryMb: shopApiMemoryMb };
const scenarios: FaultScenarioLike[] = [
  { name: 'db-latency', faults: { postgres: { latencyMs: 300, jitterMs: 50 } } },
  { name: 'error-burst', faults: { app: { errorRate: { ratio: 0.5, routes: ['/api/items/:id'] } } } },
];
const read = (faults: unknown, faultScenario?: string) =>
  readFaults('observability-lab', { faults: faults === undefined ? undefined : JSON.stringify(faults), faultScenario }, scenarios, rules);

describe('faults', () => {
  test('no config is no fault, and no scenario', () => {
    const reading = readFaults('observability-lab', { faults: undefined, faultScenario: undefined }, scenarios, rules);
    assert.deepEqual(reading, { faults: {}, scenario: 'none', problems: [] });
    assert.deepEqual(read({}).faults, {});
  });

  test('values as `pulumi config set --path` stores them: integers and booleans typed, fractions as text', () => {
    const reading = read({
      postgres: { latencyMs: 300, jitterMs: 20, toxicity: '0.5' },
      redis: { down: true },
      collector: { down: 'false', resetPeerMs: 0 },
      app: { errorRate: { ratio: '0.25', routes: ['/api/items/:id'] }, cacheBypass: 'true', memoryLeak: { mbPerMinute: 8, capMb: '64' } },
    });
    assert.deepEqual(reading.problems, []);
    assert.deepEqual(reading.faults, {
      postgres: { latencyMs: 300, jitterMs: 20, toxicity: 0.5 },
      redis: { down: true },
      collector: { down: false, resetPeerMs: 0 },
      app: { errorRate: { ratio: 0.25, routes: ['/api/items/:id'] }, cacheBypass: true, memoryLeak: { mbPerMinute: 8, capMb: 64 } },
    });
  });

  test('a value out of bounds or of the wrong type names its full key, the rule and the value', () => {
    const { problems } = read({
      postgres: { latencyMs: 20_000 },
      redis: { down: 'yes', bandwidthKBps: 0 },
      collector: { timeoutMs: 1.5 },
      app: { cpuHogPercent: 95, errorRate: { ratio: 2 } },
    });
    assert.deepEqual(problems, [
      'observability-lab:faults.postgres.latencyMs must be an integer from 0 to 10000 (got 20000)',
      'observability-lab:faults.redis.down must be true or false (got "yes")',
      'observability-lab:faults.redis.bandwidthKBps must be an integer from 1 to 1000000 (got 0)',
      'observability-lab:faults.collector.timeoutMs must be an integer from 0 to 60000 (got 1.5)',
      'observability-lab:faults.app.errorRate.ratio must be a number from 0 to 1 (got 2)',
      'observability-lab:faults.app.cpuHogPercent must be an integer from 0 to 90 (got 95)',
    ]);
  });

  test('unknown keys are refused at every level, with what is known', () => {
    const { problems } = read({ mysql: {}, postgres: { latency: 300, slicer: { averageBytes: 10, delayUs: 5, size: 1 } }, app: { errorRatio: 1 } });
    assert.deepEqual(problems, [
      'observability-lab:faults.mysql is not a known setting (known: postgres, redis, collector, app)',
      'observability-lab:faults.postgres.latency is not a known setting (known: down, latencyMs, jitterMs, bandwidthKBps, timeoutMs, resetPeerMs, slicer, toxicity)',
      'observability-lab:faults.postgres.slicer.size is not a known setting (known: averageBytes, variationBytes, delayUs)',
      'observability-lab:faults.app.errorRatio is not a known setting (known: errorRate, latency, cacheBypass, slowQueryMs, cpuHogPercent, memoryLeak)',
    ]);
    assert.match(readFaults('observability-lab', { faults: 'down', faultScenario: undefined }, scenarios, rules).problems[0]!, /^observability-lab:faults must be an object/);
  });

  test("a route must be one the service lets faults touch (its faultableRoutes), named once", () => {
    const { problems } = read({ app: { latency: { ms: 100, routes: ['/api/items/:id', '/health/ready', '/api/items/:id'] }, errorRate: { ratio: 0.1, routes: [] } } });
    assert.equal(problems.length, 3, problems.join('\n'));
    assert.match(problems[0]!, /^observability-lab:faults\.app\.errorRate\.routes must be a non-empty list of routes/);
    assert.match(problems[1]!, /^observability-lab:faults\.app\.latency\.routes\[1\] must be one of the service's routes .*\/api\/items\/:id.* \(got "\/health\/ready"\)$/);
    assert.equal(problems[2], 'observability-lab:faults.app.latency.routes[2] repeats /api/items/:id');
  });

  test('required parts of a composite fault', () => {
    const { problems } = read({ postgres: { slicer: { averageBytes: 100 } }, app: { memoryLeak: { capMb: 10 }, latency: { routes: ['/api/items'] } } });
    assert.deepEqual(problems, [
      'observability-lab:faults.postgres.slicer.delayUs is required',
      'observability-lab:faults.app.latency.ms is required',
      'observability-lab:faults.app.memoryLeak.mbPerMinute is required',
    ]);
  });

  test("the leak's cap is bounded by the replica's memory limit, and follows it", () => {
    const cap = memoryLeakCapBounds(shopApiMemoryMb).max;
    assert.ok(cap > 0 && cap < shopApiMemoryMb / 2, `${cap} MiB of ${shopApiMemoryMb}`);
    assert.deepEqual(read({ app: { memoryLeak: { mbPerMinute: 8, capMb: cap } } }).problems, []);
    assert.deepEqual(read({ app: { memoryLeak: { mbPerMinute: 8, capMb: cap + 1 } } }).problems, [
      `observability-lab:faults.app.memoryLeak.capMb must be an integer from 1 to ${cap} (got ${cap + 1})`,
    ]);
    const bigger = readFaults('observability-lab', { faults: JSON.stringify({ app: { memoryLeak: { mbPerMinute: 8, capMb: cap + 1 } } }), faultScenario: undefined }, scenarios, {
      ...rules,
      replicaMemoryMb: shopApiMemoryMb * 2,
    });
    assert.deepEqual(bigger.problems, []);
  });

  test('two-field rules: jitter needs and stays within latency, slicer variation below its size, toxicity needs a toxic', () => {
    assert.deepEqual(read({ redis: { jitterMs: 10 } }).problems, ['observability-lab:faults.redis.jitterMs needs observability-lab:faults.redis.latencyMs']);
    assert.deepEqual(read({ redis: { latencyMs: 10, jitterMs: 20 } }).problems, [
      'observability-lab:faults.redis.jitterMs must be at most observability-lab:faults.redis.latencyMs (10) (got 20)',
    ]);
    assert.deepEqual(read({ redis: { slicer: { averageBytes: 10, variationBytes: 10, delayUs: 1 } } }).problems, [
      'observability-lab:faults.redis.slicer.variationBytes must be less than observability-lab:faults.redis.slicer.averageBytes (10) (got 10)',
    ]);
    assert.match(read({ redis: { down: true, toxicity: 0.5 } }).problems[0]!, /^observability-lab:faults\.redis\.toxicity has no toxic to apply to/);
  });
});

describe('faultScenario', () => {
  test("the scenario's faults are the base and explicit faults go on top, field by field", () => {
    assert.deepEqual(read(undefined, 'db-latency').faults, { postgres: { latencyMs: 300, jitterMs: 50 } });
    const reading = read({ postgres: { latencyMs: 100, jitterMs: 0 }, redis: { down: true } }, 'db-latency');
    assert.deepEqual(reading.problems, []);
    assert.deepEqual(reading.faults, { postgres: { latencyMs: 100, jitterMs: 0 }, redis: { down: true } });
    // An explicit ratio keeps the scenario's routes; explicit routes replace them as a whole.
    assert.deepEqual(read({ app: { errorRate: { ratio: 0.1 } } }, 'error-burst').faults, {
      app: { errorRate: { ratio: 0.1, routes: ['/api/items/:id'] } },
    });
    assert.deepEqual(read({ app: { errorRate: { routes: ['/api/orders'] } } }, 'error-burst').faults, {
      app: { errorRate: { ratio: 0.5, routes: ['/api/orders'] } },
    });
  });

  test('a merged result is checked as a whole, and the message says the scenario took part', () => {
    assert.deepEqual(read({ postgres: { latencyMs: 20 } }, 'db-latency').problems, [
      'observability-lab:faults.postgres.jitterMs must be at most observability-lab:faults.postgres.latencyMs (20) (with faultScenario db-latency) (got 50)',
    ]);
  });

  test('an unknown scenario names the knob and the catalogue', () => {
    assert.deepEqual(read(undefined, 'db-outage').problems, [
      'observability-lab:faultScenario must be one of none, db-latency, error-burst (got "db-outage")',
    ]);
    assert.deepEqual(read(undefined, 'none').faults, {});
  });

  test("a part set to its off value on top of a scenario switches that part off (latency 0 takes the scenario's jitter with it)", () => {
    const latencyOff = read({ postgres: { latencyMs: 0 } }, 'db-latency');
    assert.deepEqual(latencyOff.problems, []);
    assert.deepEqual(latencyOff.faults, { postgres: { latencyMs: 0 } });
    const ratioOff = read({ app: { errorRate: { ratio: 0 } } }, 'error-burst');
    assert.deepEqual(ratioOff.problems, []);
    assert.deepEqual(ratioOff.faults.app?.errorRate, { ratio: 0, routes: ['/api/items/:id'] });
    const leakOff = read({ app: { memoryLeak: { mbPerMinute: 0, capMb: 64 } } });
    assert.deepEqual(leakOff.problems, []);
    assert.equal(leakOff.faults.app?.memoryLeak?.mbPerMinute, 0);
    // A jitter above a latency that is on is still refused.
    assert.match(read({ postgres: { latencyMs: 20 } }, 'db-latency').problems.join('\n'), /jitterMs must be at most .*latencyMs \(20\)/);
  });

  test('merging leaves both inputs untouched', () => {
    const base = { postgres: { latencyMs: 1 } };
    const top = { postgres: { jitterMs: 1 } };
    mergeFaults(base, top);
    assert.deepEqual(base, { postgres: { latencyMs: 1 } });
    assert.deepEqual(top, { postgres: { jitterMs: 1 } });
  });
});

describe('the scenario catalogue (@lab/dashboards)', () => {
  test('every scenario is a valid `faults` setting for this program, and none is named like the off value', async () => {
    const { faultScenarios } = await import('@lab/dashboards');
    assert.ok(faultScenarios.length > 0);
    for (const scenario of faultScenarios) {
      assert.deepEqual(scenarioProblems(scenario, rules), [], scenario.name);
      assert.notEqual(scenario.name, 'none');
    }
  });
});
