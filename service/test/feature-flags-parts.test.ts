import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { performance } from 'node:perf_hooks';
import * as incubating from '@opentelemetry/semantic-conventions/incubating';
import { ATTR_ERROR_TYPE } from '@opentelemetry/semantic-conventions';
import { InMemoryProvider, OpenFeature } from '@openfeature/server-sdk';
import pino from 'pino';
import { createApp } from '../src/app';
import { apiDocumentPath } from '../src/http/api-document';
import { loadConfig } from '../src/config';
import { createCpuHog } from '../src/faults/cpu-hog';
import { defaultFaultFlags, withinLimit } from '../src/faults/fault-flags';
import { featureFlagAttributes, featureFlagEvaluationEvent } from '../src/faults/feature-flag-conventions';
import { flagdOptions } from '../src/faults/flag-provider';
import { createFlagSnapshot } from '../src/faults/flag-snapshot';
import { faultableRoutes } from '../src/faults/flags';
import { createMemoryLeak } from '../src/faults/memory-leak';
import { openFeatureLogger } from '../src/faults/provider-logger';
import type { AppDependencies } from '../src/app';

const mib = 1024 * 1024;
const valid = { DATABASE_URL: 'postgres://u:p@db:5432/shop', REDIS_URL: 'redis://cache:6379/0' };

describe('fault flag settings', () => {
  it('reads FLAGD_* as the flagd provider names them, and refuses what it would misread', () => {
    const config = loadConfig({ ...valid, FLAGD_HOST: 'flagd', FLAGD_PORT: '8015' });
    assert.equal(config.FLAGD_HOST, 'flagd');
    assert.equal(config.FLAGD_PORT, 8015);
    assert.equal(config.FLAGD_RESOLVER, 'in-process');
    const cases: Array<[Record<string, string>, string]> = [
      [{ FLAGD_HOST: 'http://flagd' }, 'FLAGD_HOST'],
      [{ FLAGD_HOST: 'flagd:8015' }, 'FLAGD_HOST'],
      [{ FLAGD_PORT: '0' }, 'FLAGD_PORT'],
      [{ FLAGD_SYNC_PORT: 'x' }, 'FLAGD_SYNC_PORT'],
      [{ FLAGD_RESOLVER: 'rpc' }, 'FLAGD_RESOLVER'],
    ];
    for (const [override, key] of cases) {
      assert.throws(() => loadConfig({ ...valid, ...override }), (error: Error) => error.message.includes(`${key}:`), key);
    }
  });

  it('passes the provider only what is set, always in-process, with a sync stream that has no deadline and keepalive pings flagd permits', () => {
    const always = { resolverType: 'in-process', streamDeadlineMs: 0, keepAliveTime: 60_000 };
    assert.deepEqual(flagdOptions({ host: 'flagd' }), { ...always, host: 'flagd' });
    assert.deepEqual(flagdOptions({ offlineFlagSourcePath: '/f.json' }), { ...always, offlineFlagSourcePath: '/f.json' });
    // flagd v0.16.1 sends GOAWAY to a client pinging more often than --keep-alive-min-time (30 s by default).
    assert.ok(flagdOptions({}).keepAliveTime! >= 30_000);
    assert.ok(!('port' in flagdOptions({ host: 'flagd', port: undefined })), 'an unset port keeps the provider default');
  });

  it('applies numbers within the service limits: negative or not finite is off, too large is the limit', () => {
    assert.equal(withinLimit(250, 10_000), 250);
    assert.equal(withinLimit(50_000, 10_000), 10_000);
    assert.equal(withinLimit(-5, 10_000), 0);
    assert.equal(withinLimit(Number.NaN, 1), 0);
    assert.equal(withinLimit(Number.POSITIVE_INFINITY, 1), 0);
  });

  it('without a provider, every flag is its default', async () => {
    assert.equal(defaultFaultFlags.enabled, false);
    assert.deepEqual(await defaultFaultFlags.routeFaults('/api/items'), { errorRate: 0, addedLatencyMs: 0 });
    assert.equal(await defaultFaultFlags.cacheBypass(), false);
    assert.equal(await defaultFaultFlags.slowQueryMs(), 0);
    assert.equal(await defaultFaultFlags.cpuHogPercent(), 0);
    assert.deepEqual(await defaultFaultFlags.memoryLeak(), { mbPerMinute: 0, capMb: 0 });
  });
});

describe('flag snapshot', () => {
  it('evaluates route-scoped flags per route and the others once, and sees a change at the next refresh', async () => {
    const provider = new InMemoryProvider({
      'http-error-rate': { disabled: false, variants: { off: 0, on: 0.5 }, defaultVariant: 'off', contextEvaluator: (ctx) => (ctx.route === '/api/items/:id' ? 'on' : 'off') },
      'cache-bypass': { disabled: false, variants: { off: false, on: true }, defaultVariant: 'on' },
    });
    await OpenFeature.setProviderAndWait('snapshot-test', provider);
    const snapshot = createFlagSnapshot(OpenFeature.getClient('snapshot-test'), ['/api/items', '/api/items/:id']);
    assert.equal(snapshot.get('errorRate', '/api/items/:id'), undefined, 'nothing before the first refresh');
    await snapshot.refresh();
    assert.equal(snapshot.get('errorRate', '/api/items/:id')?.details.value, 0.5);
    assert.equal(snapshot.get('errorRate', '/api/items')?.details.value, 0);
    assert.equal(snapshot.get('cacheBypass')?.details.value, true);
    const missing = snapshot.get('slowQueryMs');
    assert.equal(missing?.details.value, 0, 'a flag the provider lacks is its default');
    assert.equal(missing?.details.errorCode, 'FLAG_NOT_FOUND');
    provider.putConfiguration({ 'cache-bypass': { disabled: false, variants: { off: false, on: true }, defaultVariant: 'off' } });
    await snapshot.refresh();
    assert.equal(snapshot.get('cacheBypass')?.details.value, false);
    await OpenFeature.clearProviders();
  });
});

describe('faultableRoutes', () => {
  it('is exactly the routes the app serves behind the fault middleware (all but the health probes and the API document)', () => {
    const unused = {} as never;
    const deps: AppDependencies = {
      db: unused, redis: unused, items: unused, orders: unused, tasks: unused,
      logger: pino({ level: 'silent' }),
      isShuttingDown: () => false,
      dbPoolMax: 4,
      dropsUnsampledRemoteParents: false,
    };
    const served = new Set(
      createApp(deps)
        .routes.filter((route) => route.method !== 'ALL' && !route.path.startsWith('/health') && route.path !== apiDocumentPath)
        .map((route) => route.path),
    );
    assert.deepEqual([...served].sort(), [...faultableRoutes].sort());
  });
});

describe('feature-flag telemetry names', () => {
  it('are the current OpenTelemetry semantic conventions (incubating), not the deprecated ones', () => {
    assert.equal(featureFlagEvaluationEvent, incubating.EVENT_FEATURE_FLAG_EVALUATION);
    assert.equal(featureFlagAttributes.key, incubating.ATTR_FEATURE_FLAG_KEY);
    assert.equal(featureFlagAttributes.providerName, incubating.ATTR_FEATURE_FLAG_PROVIDER_NAME);
    assert.equal(featureFlagAttributes.resultVariant, incubating.ATTR_FEATURE_FLAG_RESULT_VARIANT);
    assert.equal(featureFlagAttributes.resultValue, incubating.ATTR_FEATURE_FLAG_RESULT_VALUE);
    assert.equal(featureFlagAttributes.resultReason, incubating.ATTR_FEATURE_FLAG_RESULT_REASON);
    assert.equal(featureFlagAttributes.errorMessage, incubating.ATTR_FEATURE_FLAG_ERROR_MESSAGE);
    assert.equal(featureFlagAttributes.errorType, ATTR_ERROR_TYPE);
  });
});

describe('memory leak', () => {
  const leak = (ceilingMb = 1_024) => createMemoryLeak(ceilingMb * mib);

  it('grows at the flag rate', () => {
    const memory = leak();
    memory.advance({ mbPerMinute: 60, capMb: 100 }, 1_000);
    assert.equal(memory.retainedBytes, 1 * mib);
    memory.advance({ mbPerMinute: 60, capMb: 100 }, 2_000);
    assert.equal(memory.retainedBytes, 3 * mib);
  });

  it('carries growth smaller than a chunk, so a slow rate still grows', () => {
    const memory = leak();
    for (let second = 0; second < 60; second++) memory.advance({ mbPerMinute: 1, capMb: 10 }, 1_000);
    assert.ok(Math.abs(memory.retainedBytes - mib) <= mib / 2, `retained ${memory.retainedBytes / mib} MiB after a minute at 1 MiB/min`);
  });

  it('never holds more than the cap, drops to a lowered cap, and releases everything at rate 0', () => {
    const memory = leak();
    for (let i = 0; i < 10; i++) memory.advance({ mbPerMinute: 600, capMb: 8 }, 1_000);
    assert.equal(memory.retainedBytes, 8 * mib);
    memory.advance({ mbPerMinute: 600, capMb: 3 }, 1_000);
    assert.equal(memory.retainedBytes, 3 * mib);
    memory.advance({ mbPerMinute: 0, capMb: 3 }, 1_000);
    assert.equal(memory.retainedBytes, 0);
  });

  it('never holds more than its ceiling (half the heap limit by default), whatever the cap', () => {
    const memory = leak(4);
    for (let i = 0; i < 10; i++) memory.advance({ mbPerMinute: 600, capMb: 1_000 }, 1_000);
    assert.equal(memory.retainedBytes, 4 * mib);
    assert.ok(createMemoryLeak().ceilingBytes < 2 ** 40);
  });
});

describe('cpu hog', () => {
  async function utilisationOver(ms: number): Promise<number> {
    const start = performance.eventLoopUtilization();
    await new Promise((resolve) => setTimeout(resolve, ms));
    return performance.eventLoopUtilization(start).utilization;
  }

  it('burns about the asked share of the event loop and stops at 0', async () => {
    const hog = createCpuHog();
    hog.set(50);
    // Kept referenced while measuring: the hog's own timers are unref'd.
    const busy = await utilisationOver(600);
    hog.set(0);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const idle = await utilisationOver(400);
    // No upper bound: on a loaded machine the time the process waits for a core after each wake-up counts as
    // busy too (0.96 seen at load 15 on 2 cores); an idle loop sleeps in epoll, so the stop is unambiguous.
    assert.ok(busy >= 0.35, `utilisation with a 50% hog: ${busy}`);
    assert.ok(idle < 0.1, `utilisation after it stopped: ${idle}`);
  });
});

describe('provider log lines', () => {
  it('writes a repeated message once per window', () => {
    const lines: string[] = [];
    const logger = pino({ level: 'debug' }, { write: (line: string) => lines.push(line) });
    const adapter = openFeatureLogger(logger);
    for (let i = 0; i < 10; i++) adapter.error('Connection error, attempting to reconnect');
    adapter.warn('something else');
    assert.equal(lines.length, 2);
    assert.equal(JSON.parse(lines[0]!).component, 'openfeature');
  });
});
