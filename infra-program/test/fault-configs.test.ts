/**
 * The generated fault files: the flag file evaluated by flagd's own engine (@openfeature/flagd-core, with its
 * schema validation on), and the toxics checked against what Toxiproxy v2.12.0 registers (upstream-keys.ts).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FlagdCore, MemoryStorage } from '@openfeature/flagd-core';
import { faultFlags, faultableRoutes, routeContextKey, type FaultFlagName } from '@lab/service/fault-flags';
import { toxicAttributeNames } from '@lab/service/fault-controller';
import { flagdFlagFile } from '../src/configs/flagd';
import { faultDeclaration, linkToxics, toxiproxyProxies } from '../src/configs/toxiproxy';
import { renderJson } from '../src/render';
import type { AppFaults, FaultSettings } from '@lab/service/failure-lab';
import { promiseOf } from './harness';
import { toxiproxy212 } from './upstream-keys';

const silent = { error: () => {}, warn: () => {}, info: () => {}, debug: () => {} };

/** Loads the file as flagd would (strict: a schema violation throws) and evaluates each flag. */
function engine(app: AppFaults): FlagdCore {
  const storage = new MemoryStorage(silent);
  storage.setConfigurations(renderJson(flagdFlagFile(app, faultableRoutes)), true);
  return new FlagdCore(storage, silent);
}

function evaluate(core: FlagdCore, name: FaultFlagName, route?: string): { value: unknown; reason: string | undefined; errorCode?: string } {
  const flag = faultFlags[name];
  const context: Record<string, string> = route === undefined ? {} : { [routeContextKey]: route };
  const result =
    flag.type === 'boolean'
      ? core.resolveBooleanEvaluation(flag.key, !flag.defaultValue, context)
      : core.resolveNumberEvaluation(flag.key, -1, context);
  return { value: result.value, reason: result.reason, errorCode: result.errorCode };
}

describe('flag file (evaluated by @openfeature/flagd-core)', () => {
  test('with no app fault every flag is present and serves its default, for every route', () => {
    const core = engine({});
    assert.deepEqual([...core.getFlags().keys()].sort(), Object.values(faultFlags).map((f) => f.key).sort());
    for (const name of Object.keys(faultFlags) as FaultFlagName[]) {
      for (const route of [undefined, ...faultableRoutes]) {
        const result = evaluate(core, name, route);
        assert.equal(result.errorCode, undefined, `${name} ${route}`);
        assert.equal(result.value, faultFlags[name].defaultValue, `${name} on ${route}`);
        assert.equal(result.reason, 'STATIC', `${name}: no targeting, so the provider may cache it`);
      }
    }
  });

  test('a route-scoped fault is on exactly on its routes; service-wide faults are on everywhere', () => {
    const app: AppFaults = {
      errorRate: { ratio: 0.25, routes: ['/api/items/:id', '/api/orders'] },
      latency: { ms: 400 },
      cacheBypass: true,
      slowQueryMs: 150,
      cpuHogPercent: 40,
      memoryLeak: { mbPerMinute: 8, capMb: 64 },
    };
    const core = engine(app);
    for (const route of faultableRoutes) {
      const expectedRatio = ['/api/items/:id', '/api/orders'].includes(route) ? 0.25 : 0;
      assert.equal(evaluate(core, 'errorRate', route).value, expectedRatio, `errorRate on ${route}`);
      // A route-scoped fault without routes covers every route faults may touch.
      assert.equal(evaluate(core, 'addedLatencyMs', route).value, 400, `latency on ${route}`);
      assert.equal(evaluate(core, 'errorRate', route).reason, 'TARGETING_MATCH');
    }
    for (const route of [undefined, '/health/ready', '/metrics']) {
      assert.equal(evaluate(core, 'errorRate', route).value, 0, `no error fault on ${route}`);
      assert.equal(evaluate(core, 'addedLatencyMs', route).value, 0, `no latency fault on ${route}`);
    }
    assert.equal(evaluate(core, 'cacheBypass').value, true);
    assert.equal(evaluate(core, 'slowQueryMs').value, 150);
    assert.equal(evaluate(core, 'cpuHogPercent').value, 40);
    assert.equal(evaluate(core, 'memoryLeakMbPerMinute').value, 8);
    assert.equal(evaluate(core, 'memoryLeakCapMb').value, 64);
  });

  test('a fault set to its default value is simply off (a scenario switched off from the stack)', () => {
    const core = engine({ errorRate: { ratio: 0 }, cacheBypass: false, slowQueryMs: 0 });
    for (const name of ['errorRate', 'cacheBypass', 'slowQueryMs'] as const) {
      assert.equal(evaluate(core, name, '/api/items').value, faultFlags[name].defaultValue);
      assert.equal(evaluate(core, name, '/api/items').reason, 'STATIC');
    }
  });

  test("flagd's schema refuses what the generator must never write (so the strict load above means something)", () => {
    const storage = new MemoryStorage(silent);
    const broken = { flags: { 'cache-bypass': { state: 'ENABLED', variants: { off: false, on: 'yes' }, defaultVariant: 'off' } } };
    assert.throws(() => storage.setConfigurations(JSON.stringify(broken), true), /invalid flagd flag configuration/);
  });
});

describe('Toxiproxy proxies and toxics (v2.12.0)', () => {
  test('one proxy per link, listening on its upstream port, with only the fields PopulateJson reads', async () => {
    const proxies = toxiproxyProxies({
      postgres: { host: 'pg', port: 5432 },
      redis: { host: 'cache', port: 6379 },
      collector: { host: 'otel', port: 4318 },
    });
    const resolved = await Promise.all(proxies.map(async (p) => ({ ...p, upstream: await promiseOf(p.upstream as never) })));
    assert.deepEqual(resolved, [
      { name: 'postgres', listen: '0.0.0.0:5432', upstream: 'pg:5432', enabled: true },
      { name: 'redis', listen: '0.0.0.0:6379', upstream: 'cache:6379', enabled: true },
      { name: 'collector', listen: '0.0.0.0:4318', upstream: 'otel:4318', enabled: true },
    ]);
    for (const proxy of proxies) assert.deepEqual(Object.keys(proxy).sort(), [...toxiproxy212.proxyFields].sort());
    assert.throws(() => toxiproxyProxies({ postgres: { host: 'a', port: 1 }, redis: { host: 'b', port: 1 }, collector: { host: 'c', port: 2 } }), /share a port/);
  });

  test('every fault becomes a toxic Toxiproxy registers, with its attribute names and integer values', () => {
    const toxics = linkToxics({
      latencyMs: 300,
      jitterMs: 50,
      bandwidthKBps: 64,
      timeoutMs: 0,
      resetPeerMs: 250,
      slicer: { averageBytes: 64, variationBytes: 16, delayUs: 500 },
      toxicity: 0.5,
    });
    assert.deepEqual(toxics.map((t) => t.type).sort(), ['bandwidth', 'latency', 'reset_peer', 'slicer', 'timeout']);
    for (const toxic of toxics) {
      const known: readonly string[] = toxiproxy212.toxics[toxic.type];
      assert.deepEqual(Object.keys(toxic.attributes).sort(), [...known].sort(), toxic.type);
      // The controller's contract lists the same names (service/src/fault-controller/declaration.ts).
      assert.deepEqual(Object.keys(toxic.attributes).sort(), [...toxicAttributeNames[toxic.type]].sort(), toxic.type);
      for (const value of Object.values(toxic.attributes)) assert.ok(Number.isInteger(value), `${toxic.type}: ${value}`);
      assert.ok((toxiproxy212.streams as readonly string[]).includes(toxic.stream));
      assert.equal(toxic.name, `${toxic.type}_${toxic.stream}`, "Toxiproxy's own default name");
      assert.equal(toxic.toxicity, 0.5);
    }
    assert.deepEqual(toxics.find((t) => t.type === 'latency')!.attributes, { latency: 300, jitter: 50 });
    assert.deepEqual(toxics.find((t) => t.type === 'slicer')!.attributes, { average_size: 64, size_variation: 16, delay: 500 });
    assert.deepEqual(toxics.find((t) => t.type === 'timeout')!.attributes, { timeout: 0 });
    assert.deepEqual(toxics.find((t) => t.type === 'reset_peer')!.attributes, { timeout: 250 });
    assert.deepEqual(toxics.find((t) => t.type === 'bandwidth')!.attributes, { rate: 64 });
  });

  test('a zero latency is no toxic; toxicity defaults to 1', () => {
    assert.deepEqual(linkToxics({ latencyMs: 0 }), []);
    assert.equal(linkToxics({ latencyMs: 5 })[0]!.toxicity, 1);
  });
});

describe('fault declaration', () => {
  test('no faults: every proxy enabled with no toxics, no flags', () => {
    assert.deepEqual(faultDeclaration({}), {
      proxies: [
        { name: 'postgres', enabled: true, toxics: [] },
        { name: 'redis', enabled: true, toxics: [] },
        { name: 'collector', enabled: true, toxics: [] },
      ],
      flags: [],
    });
  });

  test('link faults and app flags, each flag with its key and served value, routes only where set', () => {
    const faults: FaultSettings = {
      redis: { down: true },
      postgres: { latencyMs: 200 },
      app: { errorRate: { ratio: 0.3, routes: ['/api/items'] }, latency: { ms: 50 }, cacheBypass: true },
    };
    const declaration = faultDeclaration(faults);
    assert.deepEqual(declaration.proxies.find((p) => p.name === 'redis'), { name: 'redis', enabled: false, toxics: [] });
    assert.equal(declaration.proxies.find((p) => p.name === 'postgres')!.toxics[0]!.type, 'latency');
    assert.deepEqual(declaration.flags, [
      { key: faultFlags.errorRate.key, value: 0.3, routes: ['/api/items'] },
      { key: faultFlags.addedLatencyMs.key, value: 50 },
      { key: faultFlags.cacheBypass.key, value: true },
    ]);
  });
});
