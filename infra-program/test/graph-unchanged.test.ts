/**
 * Guards the graph under mocks, resource by resource, for both targets: a refactor leaves it as it was. After
 * a deliberate change, `npm run graph:snapshot -w infra-program` rewrites the fixture; its diff names the
 * resources the change touched.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { graphSnapshotFile, takeGraphSnapshot, type GraphSnapshot } from './graph-snapshot';

test('the graph of both targets, with and without faults, is resource by resource the recorded one', async () => {
  const recorded = JSON.parse(readFileSync(graphSnapshotFile, 'utf8')) as GraphSnapshot;
  const now = await takeGraphSnapshot();
  const differences: string[] = [];
  for (const label of new Set([...Object.keys(recorded), ...Object.keys(now)])) {
    const before = recorded[label] ?? {};
    const after = now[label] ?? {};
    for (const name of new Set([...Object.keys(before), ...Object.keys(after)])) {
      if (!(name in before)) differences.push(`${label}: added ${name}`);
      else if (!(name in after)) differences.push(`${label}: removed ${name}`);
      else if (before[name] !== after[name]) differences.push(`${label}: changed ${name}`);
    }
  }
  assert.deepEqual(
    differences,
    [],
    'the graph differs from test/fixtures/graph-snapshot.json; if the change is deliberate, run `npm run graph:snapshot -w infra-program` and commit the fixture',
  );
});
