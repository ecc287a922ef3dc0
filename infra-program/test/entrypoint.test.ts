/** The entry module Pulumi runs: its stack outputs, and the password among them a secret. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as pulumi from '@pulumi/pulumi';

test('index.ts exports every stack output, the admin password as a secret', async () => {
  pulumi.runtime.setMocks(
    {
      newResource: (args) => ({
        id: `${args.name}-id`,
        state: {
          ...args.inputs,
          ...(args.type.startsWith('random:') ? { result: 'generated' } : {}),
          ...(args.type === 'docker:index/image:Image' ? { repoDigest: 'sha256:feed' } : {}),
          ...(args.inputs.attach ? { exitCode: 0, containerLogs: 'done' } : {}),
        },
      }),
      call: (args) => args.inputs,
    },
    'observability-lab',
    'dev',
    false,
  );
  pulumi.runtime.setAllConfig({ 'observability-lab:replicas': '1' });
  // Loaded only now, after the mocks are in place: importing it runs the program.
  const program = require('../index') as Record<string, unknown>;
  assert.deepEqual(Object.keys(program).sort(), [
    'alertmanagerUrl',
    'appUrl',
    'faults',
    'grafanaAdminPassword',
    'grafanaAdminUser',
    'grafanaUrl',
    'k6Result',
    'minioConsoleUrl',
    'prometheusUrl',
    'traefikDashboardUrl',
  ]);
  assert.equal(program.appUrl, 'http://shop.localhost:8000');
  assert.equal(program.alertmanagerUrl, 'http://127.0.0.1:9093');
  // No faults configured: every link enabled with no toxic, no flag on.
  assert.deepEqual((program.faults as { flags: unknown[] }).flags, []);
  assert.ok(pulumi.Output.isInstance(program.grafanaAdminPassword));
  assert.equal(await (program.grafanaAdminPassword as any).isSecret, true);
  const result = await new Promise<Record<string, unknown>>((resolve) => (program.k6Result as pulumi.Output<Record<string, unknown>>).apply(resolve));
  const { plannedSeconds, ...run } = result;
  assert.deepEqual(run, { scenario: 'smoke', exitCode: 0, passed: true, summary: 'done' });
  assert.equal(typeof plannedSeconds, 'number');
  const { waitForRPCs } = require('@pulumi/pulumi/runtime/settings') as { waitForRPCs(): Promise<void> };
  await waitForRPCs();
});
