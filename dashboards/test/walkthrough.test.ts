import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildDashboards, grafanaDatasourceUids } from '@lab/dashboards';
import { scenarioSwitchCommand } from '../src/faults/config-commands';
import { scenarioConfigCommands } from '../src/faults/scenarios';
import { walkthroughMarkdown, walkthroughScenario } from '../src/walkthrough';
import { panelsOf } from './support/query-inventory';

test('the README carries the current walkthrough (run `npm run render` after changing it)', () => {
  const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
  assert.ok(readme.includes(walkthroughMarkdown()));
});

test('every dashboard and panel the walkthrough names in bold exists', () => {
  const dashboards = buildDashboards(grafanaDatasourceUids).map((d) => d.dashboard);
  const titles = new Set(dashboards.flatMap((d) => [String(d.title), ...panelsOf(d).map((p) => String(p.title))]));
  const annotations = new Set(dashboards.flatMap((d) => ((d.annotations as { list?: Array<{ name: string }> }).list ?? []).map((a) => a.name)));
  const named = [...walkthroughMarkdown().matchAll(/\*\*([^*]+)\*\*/g)].map((m) => m[1]!);
  const panelNames = named.filter((n) => /^(Shop |Error budget|Server error|Latency|Warnings|Request rate|Slow|Declared|Fault changes|db-latency)/.test(n));
  assert.ok(panelNames.length >= 10);
  for (const name of panelNames) {
    const candidates = name.split(' > ');
    assert.ok(candidates.every((c) => titles.has(c) || annotations.has(c)), `${name} is not a dashboard, panel or annotation title`);
  }
});

test('the walkthrough follows a catalogue scenario, with the alert it promises and the switch command derived from it', () => {
  const markdown = walkthroughMarkdown();
  assert.ok(markdown.includes(scenarioSwitchCommand(walkthroughScenario.name)));
  for (const command of scenarioConfigCommands(walkthroughScenario)) assert.ok(markdown.includes(command), command);
  assert.ok(markdown.includes(`\`${walkthroughScenario.alerts[0]!.alert}\``));
});
