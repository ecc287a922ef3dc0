import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DeclaredProxy, DeclaredToxic } from '../src/fault-controller/declaration';
import { planChanges } from '../src/fault-controller/plan';
import { parseDeclaration } from '../src/fault-controller/read-declaration';
import type { ToxiproxyProxy, ToxiproxyToxic } from '../src/fault-controller/toxiproxy-api';

const latency: DeclaredToxic = { name: 'latency', type: 'latency', stream: 'downstream', toxicity: 1, attributes: { latency: 300 } };
const actualProxy = (name: string, enabled: boolean, toxics: ToxiproxyToxic[]): ToxiproxyProxy => ({ name, listen: '[::]:5432', upstream: 'postgres:5432', enabled, toxics });
const served = (toxic: DeclaredToxic, attributes: Record<string, number>): ToxiproxyToxic => ({ ...toxic, attributes });

describe('planChanges', () => {
  it('asks for nothing when Toxiproxy already matches, with the zero attributes it reports for what was not declared', () => {
    const declared: DeclaredProxy[] = [{ name: 'postgres', enabled: true, toxics: [{ ...latency, toxicity: 0.1 }] }];
    // 0.1 comes back as the float32 Toxiproxy stored, printed shortest: 0.1.
    const plan = planChanges(declared, { postgres: actualProxy('postgres', true, [served({ ...latency, toxicity: 0.1 }, { latency: 300, jitter: 0 })]) });
    assert.deepEqual(plan, { changes: [], missing: [] });
  });

  it('removes toxics nobody declared, adds the declared ones, and zeroes an attribute the declaration dropped', () => {
    const declared: DeclaredProxy[] = [
      { name: 'postgres', enabled: true, toxics: [latency] },
      { name: 'redis', enabled: true, toxics: [{ name: 'reset_peer', type: 'reset_peer', stream: 'downstream', toxicity: 1, attributes: { timeout: 0 } }] },
    ];
    const plan = planChanges(declared, {
      postgres: actualProxy('postgres', true, [
        served(latency, { latency: 100, jitter: 50 }),
        { name: 'by_hand', type: 'timeout', stream: 'upstream', toxicity: 1, attributes: { timeout: 0 } },
      ]),
      redis: actualProxy('redis', true, []),
      collector: actualProxy('collector', true, [{ name: 'not_ours', type: 'latency', stream: 'downstream', toxicity: 1, attributes: { latency: 1, jitter: 0 } }]),
    });
    assert.deepEqual(plan.changes, [
      { action: 'remove_toxic', proxy: 'postgres', toxic: 'by_hand' },
      // An update keeps attributes it is not given (UpdateToxicJson decodes onto the old struct): jitter is sent as 0.
      { action: 'update_toxic', proxy: 'postgres', toxic: 'latency', attributes: { jitter: 0, latency: 300 }, toxicity: 1 },
      { action: 'add_toxic', proxy: 'redis', toxic: declared[1]!.toxics[0] },
    ]);
    assert.deepEqual(plan.missing, []);
  });

  it('replaces a toxic whose stream or type changed, since the API cannot change them in place', () => {
    const upstream: DeclaredToxic = { ...latency, stream: 'upstream' };
    const plan = planChanges([{ name: 'postgres', enabled: true, toxics: [upstream] }], { postgres: actualProxy('postgres', true, [served(latency, { latency: 300, jitter: 0 })]) });
    assert.deepEqual(plan.changes, [
      { action: 'remove_toxic', proxy: 'postgres', toxic: 'latency' },
      { action: 'add_toxic', proxy: 'postgres', toxic: upstream },
    ]);
  });

  it('disables before touching toxics and enables only after them, and reports a declared proxy Toxiproxy lacks', () => {
    const plan = planChanges(
      [
        { name: 'redis', enabled: false, toxics: [] },
        { name: 'postgres', enabled: true, toxics: [latency] },
        { name: 'collector', enabled: true, toxics: [] },
      ],
      { redis: actualProxy('redis', true, [served(latency, { latency: 1, jitter: 0 })]), postgres: actualProxy('postgres', false, []) },
    );
    assert.deepEqual(plan.changes, [
      { action: 'disable', proxy: 'redis' },
      { action: 'remove_toxic', proxy: 'redis', toxic: 'latency' },
      { action: 'add_toxic', proxy: 'postgres', toxic: latency },
      { action: 'enable', proxy: 'postgres' },
    ]);
    assert.deepEqual(plan.missing, ['collector']);
  });
});

describe('parseDeclaration', () => {
  const valid = { proxies: [{ name: 'postgres', enabled: true, toxics: [latency] }], flags: [{ key: 'cache-bypass', value: true }] };

  it('accepts a declaration as the program renders it', () => {
    assert.deepEqual(parseDeclaration(valid, 'faults.json'), valid);
  });

  it('names the field of each problem: attributes Toxiproxy would ignore or reject, clashing names, bad toxicity', () => {
    const broken = {
      proxies: [
        {
          name: 'postgres',
          enabled: true,
          toxics: [
            { ...latency, attributes: { latency: 1.5, rate: 10 } },
            { ...latency, name: 'slow', toxicity: 2 },
          ],
        },
      ],
      flags: [],
    };
    assert.throws(() => parseDeclaration(broken, 'faults.json'), (error: Error) => {
      assert.equal(error.name, 'FaultDeclarationError');
      assert.match(error.message, /^faults\.json is not a valid fault declaration/);
      assert.match(error.message, /proxies\.0\.toxics\.0\.attributes\.latency: must be a whole number/);
      assert.match(error.message, /proxies\.0\.toxics\.0\.attributes\.rate: latency toxics take only latency, jitter/);
      assert.match(error.message, /proxies\.0\.toxics\.1\.toxicity/);
      return true;
    });
    const twice = { proxies: [{ name: 'postgres', enabled: true, toxics: [latency, { ...latency, type: 'timeout', attributes: {} }] }], flags: [] };
    assert.throws(() => parseDeclaration(twice, 'faults.json'), /proxies\.0\.toxics\.1\.name: toxic name latency is used twice on proxy postgres/);
  });
});
