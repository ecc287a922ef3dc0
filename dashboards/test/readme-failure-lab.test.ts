import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { failureLabMarkdown } from '../src/faults/readme-section';
import { faultScenarios, scenarioConfigCommands } from '../src/faults/scenarios';
import { failureLabEnd, failureLabStart, replaceSection } from '../scripts/readme-section';

const rootReadme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');

test('the root README carries the current failure-lab section (run `npm run render -w @lab/dashboards` after changing it)', () => {
  assert.ok(rootReadme.includes(`${failureLabStart}\n${failureLabMarkdown()}${failureLabEnd}`));
});

test('the section lists every scenario with its derived commands', () => {
  const section = failureLabMarkdown();
  for (const s of faultScenarios) {
    assert.ok(section.includes(`| \`${s.name}\` |`), s.name);
    for (const command of scenarioConfigCommands(s)) assert.ok(section.includes(command.replace('pulumi config set --path ', '--path ')), command);
  }
});

test('replacing the section keeps everything around the markers', () => {
  const before = `intro\n${failureLabStart}\nold\n${failureLabEnd}\nrest`;
  assert.equal(replaceSection(before, 'new\n', failureLabStart, failureLabEnd), `intro\n${failureLabStart}\nnew\n${failureLabEnd}\nrest`);
  assert.throws(() => replaceSection('no markers', 'x', failureLabStart, failureLabEnd), /markers/);
});
