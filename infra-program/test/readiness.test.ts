/**
 * Health and ordering: every long-running part has a gate its dependents wait for, the gates leave a cold
 * start on a laptop enough time, and a part that never comes up fails `pulumi up` with its name and its
 * last log lines.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as docker from '@pulumi/docker';
import * as pulumi from '@pulumi/pulumi';
import { runProgram } from './harness';
import { byPart, containers } from './graph';
import { readinessGate, type HealthCheck } from '../src/container';
import { healthWaitSeconds, notReadyMessage, replaceAfterFailedCreate } from '../src/targets/docker/container';
import { parseGoDurationMs } from '../src/go-duration';
import { naming } from '../src/naming';

describe('health gates', () => {
  test('every long-running part has a health gate: a waited Docker health check, or a readiness probe', async () => {
    const run = await runProgram({ stack: 'dev' });
    const views = containers(run.resources);
    const probes = views.filter((v) => v.oneShot && v.labels['lab.probes'] !== undefined);
    for (const view of views.filter((v) => !v.oneShot)) {
      const probe = probes.find((p) => p.labels['lab.probes'] === `${view.logicalName}-id`);
      if (probe) {
        // The probe polls the part's own readiness endpoint, on a network both share.
        assert.ok(probe.env.READY_URL!.startsWith(`http://${view.name}:`), `${probe.logicalName} asks ${view.name}`);
        assert.ok(probe.networks.some((n) => view.networks.includes(n)));
        assert.ok(Number(probe.env.READY_TIMEOUT) >= 60);
        continue;
      }
      assert.ok(view.healthcheck && view.healthcheck.tests.length > 1, `${view.logicalName} has a health check or a probe`);
      assert.equal(view.raw.inputs.wait, true, `${view.logicalName} is waited for`);
      // The provider's wait ends only at "healthy" or its timeout: it must outlast what the check allows.
      assert.ok(view.raw.inputs.waitTimeout >= healthWaitSeconds(recordedCheck(view.raw.inputs.healthcheck)), view.logicalName);
    }
    // The parts whose images cannot run a check are the probed ones.
    assert.deepEqual(probes.map((p) => p.labels['lab.part']).sort(), ['flagd-ready', 'otel-collector-ready', 'pyroscope-ready', 'tempo-ready', 'toxiproxy-ready']);
    assert.equal(byPart(views, 'pyroscope-ready').env.READY_URL, 'http://observability-lab-dev-pyroscope:4040/ready');
    assert.equal(byPart(views, 'toxiproxy-ready').env.READY_URL, 'http://observability-lab-dev-toxiproxy:8474/version');
    assert.equal(byPart(views, 'flagd-ready').env.READY_URL, 'http://observability-lab-dev-flagd:8014/readyz');
    assert.equal(byPart(views, 'tempo-ready').env.READY_URL, 'http://observability-lab-dev-tempo:3200/ready');
    assert.equal(byPart(views, 'otel-collector-ready').env.READY_URL, 'http://observability-lab-dev-otel-collector:13133/');
  });

  test('slow first boots get start periods that fit a laptop: Grafana migrating, Loki and Postgres initialising', async () => {
    const views = containers((await runProgram({ stack: 'cold' })).resources);
    const startPeriod = (part: string) => recordedCheck(byPart(views, part).raw.inputs.healthcheck).startPeriodSeconds;
    assert.ok(startPeriod('grafana') >= 180, 'Grafana runs its database migrations on first start');
    assert.ok(startPeriod('loki') >= 60, 'Loki joins its ring before /ready');
    assert.ok(startPeriod('postgres') >= 30, 'Postgres runs initdb on first start');
    assert.ok(startPeriod('prometheus') >= 60, 'Prometheus replays its WAL after a restart');
  });

  test('the dependents of the probed parts are created only once the probes have passed', async () => {
    const run = await runProgram({ stack: 'order', delays: { 'tempo-ready': 150, 'otel-collector-ready': 150 } });
    const at = (name: string) => run.resources.find((r) => r.name === name && r.type === 'docker:index/container:Container')!;
    assert.ok(at('otel-collector').registeredAt > at('tempo-ready').registeredAt);
    for (const dependent of ['shop-api-1', 'shop-api-2', 'traefik']) {
      assert.ok(at(dependent).registeredAt > at('otel-collector-ready').registeredAt, `${dependent} after the Collector probe`);
      assert.ok(Number.isFinite(at('otel-collector-ready').completedAt));
    }
    assert.ok(at('otel-collector').registeredAt > at('tempo').registeredAt);
  });

  test("a long-running part whose creation failed is replaced on the next run instead of being trusted", async () => {
    assert.deepEqual(replaceAfterFailedCreate.replaceOnChanges, ['#initerror']);
    const views = containers((await runProgram({ stack: 'initerr' })).resources);
    for (const view of views) {
      // Every container is replaced delete-first (fixed names and ports collide otherwise).
      assert.equal(view.raw.deleteBeforeReplace, true, view.logicalName);
      // Any long-running container's init error (a wait that timed out, a start that failed after the id
      // was set) turns into a replacement on the next run, waited or not; a one-shot job is re-run by
      // replacement through its dependents' labels instead.
      const longRunning = view.raw.inputs.mustRun === true;
      assert.deepEqual(view.raw.replaceOnChanges, longRunning ? ['#initerror'] : [], view.logicalName);
    }
    // The Collector and Tempo are not waited for (their images cannot run a check) but are long-running.
    for (const part of ['otel-collector', 'tempo']) {
      const view = byPart(views, part);
      assert.notEqual(view.raw.inputs.wait, true, part);
      assert.deepEqual(view.raw.replaceOnChanges, ['#initerror'], part);
    }
    assert.ok(views.filter((v) => v.raw.inputs.mustRun === true).length >= 14);
  });

  test('the wait covers the start period and every retry', () => {
    const check: HealthCheck = { tests: ['CMD', 'true'], intervalSeconds: 5, timeoutSeconds: 3, retries: 10, startPeriodSeconds: 120 };
    assert.ok(healthWaitSeconds(check) >= 120 + 10 * 8);
  });
});

describe('a part that does not come up', () => {
  test('fails pulumi up naming it, with its last log lines and how to run it again', async () => {
    pulumi.runtime.setMocks(
      {
        newResource: async (args) => ({
          id: `${args.name}-id`,
          state: { ...args.inputs, ...(args.inputs.attach ? { exitCode: 1, containerLogs: 'http://t:3200/ready did not answer 200 within 180 s\n' } : {}) },
        }),
        call: (args) => ({ ...args.inputs, logsListStrings: [`level=error msg="error initialising module: store"`, 'exit status 1'] }),
      },
      'lab',
      'dev',
      false,
    );
    const network = { role: 'telemetry' as const, name: pulumi.output('net') };
    const target = new docker.Container('tempo', { name: 'lab-dev-tempo', image: 'img' });
    const gate = readinessGate(
      { naming: naming('lab', 'dev'), part: 'tempo', target, url: 'http://t:3200/ready', image: 'busybox', networks: [network], timeoutSeconds: 180 },
      {},
    );
    // The output's other promises carry the same rejection; the engine reports it once, so do we.
    for (const value of Object.values(gate as object)) if (value instanceof Promise) value.catch(() => undefined);
    // What the label of every dependent resolves to: the error the deployment fails with.
    const failure = await (gate as unknown as { promise(): Promise<string> }).promise().then(
      () => assert.fail('a failed probe must not let dependents through'),
      (error: Error) => error.message,
    );
    assert.match(failure, /^tempo \(lab-dev-tempo\) did not become ready: http:\/\/t:3200\/ready did not answer 200 within 180 s/);
    assert.match(failure, /Its last log lines:\n  level=error msg="error initialising module: store"\n  exit status 1/);
    assert.match(failure, /pulumi up --replace 'urn:pulumi:dev::lab::docker:index\/container:Container::tempo'/);
  });

  test('the message lists the last lines under the part it names', () => {
    const text = notReadyMessage('otel-collector', 'lab-dev-otel-collector', 'http://x:13133/ did not answer 200 within 90 s\n', ['Error: invalid config', 'exit 1'], 'urn:x');
    assert.equal(
      text,
      [
        'otel-collector (lab-dev-otel-collector) did not become ready: http://x:13133/ did not answer 200 within 90 s',
        'Its last log lines:',
        '  Error: invalid config',
        '  exit 1',
        "Once the cause is fixed, recreate it (its readiness probe runs again with it): pulumi up --replace 'urn:x'",
      ].join('\n'),
    );
  });
});

/** A recorded health check (Go duration strings, as the provider takes them) back in seconds. */
function recordedCheck(check: { tests: string[]; interval: string; timeout: string; startPeriod: string; retries: number }): HealthCheck {
  const seconds = (text: string) => parseGoDurationMs(text) / 1000;
  return {
    tests: check.tests,
    intervalSeconds: seconds(check.interval),
    timeoutSeconds: seconds(check.timeout),
    retries: check.retries,
    startPeriodSeconds: seconds(check.startPeriod),
  };
}
