import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildDashboards, grafanaDatasourceUids } from '@lab/dashboards';
import { walkthroughMarkdown } from '../src/walkthrough';
import { panelsOf } from './support/query-inventory';

test('the README carries the current walkthrough (run `npm run render` after changing it)', () => {
  const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
  assert.ok(readme.includes(walkthroughMarkdown()));
});

test('every dashboard and panel the walkthrough names in bold exists', () => {
  const dashboards = buildDashboards(grafanaDatasourceUids).map((d) => d.dashboard);
  const titles = new Set(dashboards.flatMap((d) => [String(d.title), ...panelsOf(d).map((p) => String(p.title))]));
  const named = [...walkthroughMarkdown().matchAll(/\*\*([^*]+)\*\*/g)].map((m) => m[1]!);
  const panelNames = named.filter((n) => /^(Shop |Error budget|Server error|Latency|Warnings|Request rate)/.test(n));
  assert.ok(panelNames.length >= 6);
  for (const name of panelNames) {
    const candidates = name.split(' > ');
    assert.ok(candidates.every((c) => titles.has(c)), `${name} is not a dashboard or panel title`);
  }
});
