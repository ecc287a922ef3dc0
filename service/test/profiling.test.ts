import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../src/config';
import { profilingMetrics } from '../src/telemetry/metric-names';
import { profilingSettings } from '../src/telemetry/profiling/settings';
import { profileIdAttribute, spanIdLabel } from '../src/telemetry/profiling/span-profiles';
import { OtlpReceiver } from './support/otlp-receiver';
import { ProfileReceiver, resolveSamples, sampleTypes, type ReceivedProfile } from './support/profile-receiver';
import { freePort } from './support/servers';
import { jsonRequest } from './support/service-process';
import { startServiceStack, type ServiceStack } from './support/stack';

const SERVER = 2;
const baseEnvironment = { DATABASE_URL: 'postgres://u:p@127.0.0.1:5432/shop', REDIS_URL: 'redis://127.0.0.1:6379/0' };
const isWall = (received: ReceivedProfile) => sampleTypes(received.profile).includes('wall');

describe('profiling settings', () => {
  it('are off without PYROSCOPE_SERVER_ADDRESS, and name the service and the replica with it', () => {
    assert.equal(profilingSettings(loadConfig(baseEnvironment), {}), undefined);
    const settings = profilingSettings(
      loadConfig({ ...baseEnvironment, PYROSCOPE_SERVER_ADDRESS: 'http://pyroscope:4040', OTEL_SERVICE_NAME: 'shop-api' }),
      { OTEL_RESOURCE_ATTRIBUTES: 'service.instance.id=shop-api-2,deployment.environment.name=dev' },
    );
    assert.deepEqual(
      { serviceName: settings?.serviceName, replica: settings?.replica, interval: settings?.wallIntervalMicros, cpu: settings?.collectCpuTime },
      { serviceName: 'shop-api', replica: 'shop-api-2', interval: 10_000, cpu: true },
    );
    assert.throws(() => loadConfig({ ...baseEnvironment, PYROSCOPE_SERVER_ADDRESS: 'pyroscope:4040' }), /PYROSCOPE_SERVER_ADDRESS/);
  });

  it('take a malformed percent-encoding in OTEL_RESOURCE_ATTRIBUTES as written instead of failing start-up', () => {
    const config = loadConfig({ ...baseEnvironment, PYROSCOPE_SERVER_ADDRESS: 'http://pyroscope:4040' });
    assert.equal(profilingSettings(config, { OTEL_RESOURCE_ATTRIBUTES: 'service.instance.id=shop-api-%zz' })?.replica, 'shop-api-%zz');
    assert.equal(profilingSettings(config, { OTEL_RESOURCE_ATTRIBUTES: 'service.instance.id=shop%2Dapi-1' })?.replica, 'shop-api-1');
  });
});

describe('span profiles', () => {
  let otlp: OtlpReceiver;
  let pyroscope: ProfileReceiver;
  let stack: ServiceStack;

  before(async () => {
    otlp = await new OtlpReceiver().start();
    pyroscope = await new ProfileReceiver().start();
    stack = await startServiceStack({
      otlpEndpoint: otlp.endpoint,
      extra: {
        PYROSCOPE_SERVER_ADDRESS: pyroscope.address,
        PYROSCOPE_FLUSH_INTERVAL_MS: '1000',
        OTEL_RESOURCE_ATTRIBUTES: 'service.instance.id=shop-api-1',
      },
    });
  });

  after(async () => {
    await stack?.dispose();
    await pyroscope?.stop();
    await otlp?.stop();
  });

  it('labels the samples a root span burned with its span id, which the span names in pyroscope.profile.id; idle samples carry none', async () => {
    const accepted = await stack.service.fetch('/simulate/heavy-task', jsonRequest('POST', { workMs: 1500 }));
    assert.equal(accepted.status, 202);
    const taskSpan = await otlp.waitFor('the heavy task span', () => otlp.spans.find((span) => span.name === 'heavy-task run'), 20_000);
    assert.equal(taskSpan.attributes[profileIdAttribute], taskSpan.spanId);

    const burned = await otlp.waitFor(
      'wall samples in burnCpu under the task span',
      () => {
        const samples = pyroscope.received.filter(isWall).flatMap((received) => resolveSamples(received.profile));
        const underSpan = samples.filter((sample) => sample.labels[spanIdLabel] === taskSpan.spanId && sample.functions.includes('burnCpu'));
        return underSpan.length >= 10 ? { samples, underSpan } : undefined;
      },
      20_000,
    );
    // Every sample taken in the burning function belongs to that span (no other request ran)...
    const inBurn = burned.samples.filter((sample) => sample.functions.includes('burnCpu'));
    assert.ok(inBurn.every((sample) => sample.labels[spanIdLabel] === taskSpan.spanId), 'a burnCpu sample without the task span id');
    // ... and the event loop waiting for work is nobody's span.
    const idle = burned.samples.filter((sample) => sample.functions[0] === '(idle)');
    assert.ok(idle.length > 0, 'no idle samples');
    assert.ok(idle.every((sample) => sample.labels[spanIdLabel] === undefined), 'an idle sample carries a span id');

    const wall = pyroscope.received.find(isWall)!;
    assert.ok(sampleTypes(wall.profile).includes('cpu'), 'the wall profile has CPU time per sample');
    assert.equal(wall.query.format, 'pprof');
    assert.match(wall.query.name!, /^shop-api\{.*service_name=shop-api.*\}$/);
    assert.match(wall.query.name!, /service_instance_id=shop-api-1/);
    assert.ok(pyroscope.received.some((received) => sampleTypes(received.profile).includes('inuse_space')), 'no heap profile pushed');
  });

  it("marks each sampled request's SERVER span with pyroscope.profile.id, its own span id", async () => {
    const response = await stack.service.fetch('/api/items?limit=1');
    assert.equal(response.status, 200);
    const server = await otlp.waitFor('a SERVER span', () => otlp.spans.find((span) => span.kind === SERVER && span.name === 'GET /api/items'));
    assert.equal(server.attributes[profileIdAttribute], server.spanId);
    // Starting the profiler loads no logger before the SDK patched pino: the request's lines keep its trace id.
    assert.ok(stack.service.logLines.some((line) => line.trace_id === server.traceId), 'a log line with the request\'s trace id');
  });
});

describe('Pyroscope unreachable', () => {
  it('leaves requests alone, drops and counts the profiles, and warns once', async () => {
    const otlp = await new OtlpReceiver().start();
    const closedPort = await freePort();
    const stack = await startServiceStack({
      otlpEndpoint: otlp.endpoint,
      extra: { PYROSCOPE_SERVER_ADDRESS: `http://127.0.0.1:${closedPort}`, PYROSCOPE_FLUSH_INTERVAL_MS: '1000' },
    });
    try {
      const statuses: number[] = [];
      const until = performance.now() + 4_000;
      while (performance.now() < until) {
        statuses.push((await stack.service.fetch('/health/live')).status);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      assert.ok(statuses.every((status) => status === 200), `statuses ${[...new Set(statuses)].join(',')}`);
      const dropped = await otlp.waitFor('at least three windows of dropped profiles', () => {
        const points = otlp.metrics.filter((metric) => metric.name === profilingMetrics.profilesDropped.name).flatMap((metric) => metric.dataPoints);
        const latest = new Map(points.map((point) => [String(point.attributes['profile.type']), point.value ?? 0]));
        return (latest.get('wall') ?? 0) >= 3 && (latest.get('heap') ?? 0) >= 3 ? latest : undefined;
      });
      assert.ok(dropped.size === 2);
      const warnings = stack.service.logLines.filter((line) => line.level === 'warn' && String(line.msg).includes('Pyroscope'));
      assert.equal(warnings.length, 1, JSON.stringify(warnings));
    } finally {
      await stack.dispose();
      await otlp.stop();
    }
  });
});
