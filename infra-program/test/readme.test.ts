import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { images } from '../src/images';
import { appFields, linkFields } from '@lab/service/failure-lab';
import { defaultSettings } from '../src/settings';

const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');

test('README lists every pinned image with its exact tag, and pins nothing by a floating tag', () => {
  for (const [part, image] of Object.entries(images)) {
    assert.ok(readme.includes(`\`${image}\``), `README lists ${part}: ${image}`);
    assert.doesNotMatch(image, /:(latest|main|edge)$/, `${part} is pinned`);
    assert.match(image, /:[^:]*\d[^:]*$/, `${part} has a versioned tag`);
  }
});

test('README documents every config knob with its default, the run and teardown commands', () => {
  for (const [key, value] of Object.entries(defaultSettings)) {
    const shown = Array.isArray(value) || key === 'k6Params' ? '[]' : typeof value === 'object' ? '{}' : String(value);
    assert.match(readme, new RegExp(`\\| \`${key}\` \\| \`${shown.replace(/[.[\]{}]/g, '\\$&')}\` \\|`), key);
  }
  assert.ok(readme.includes('pulumi stack select --create dev && pulumi up'));
  assert.ok(readme.includes('PULUMI_CONFIG_PASSPHRASE'));
  assert.ok(readme.includes('pulumi destroy'));
  assert.ok(readme.includes('npm test -w @lab/infra-program'));
});

test('README says what the first run pulls, how to give registry credentials, and what destroy leaves', () => {
  // The credentials, as the program reads them (and refuses a plain-text token).
  assert.ok(readme.includes('pulumi config set dockerHubUser <user>'));
  assert.ok(readme.includes('pulumi config set --secret dockerHubToken <access token>'));
  assert.ok(readme.includes('registry-1.docker.io'));
  // Every pinned image's registry is named in the pulls paragraph's counts.
  assert.ok(readme.includes('keepImages'));
  // Destroy leaves the build cache, and says how to reclaim it.
  assert.match(readme, /What it leaves:[\s\S]*build cache[\s\S]*docker builder prune/);
  // What to do when a wait fails.
  assert.ok(readme.includes("replaceOnChanges: ['#initerror']"));
  assert.ok(readme.includes("pulumi up --replace '<urn>'"));
});

test('README lists every fault the stack config takes, and how to set, switch and clear them', () => {
  const section = readme.slice(readme.indexOf('## Failure lab'), readme.indexOf('\n## ', readme.indexOf('## Failure lab') + 3));
  // A row names a field in full (`faults.<link>.latencyMs`, `faults.app.memoryLeak.capMb`) or, after the first, alone (`jitterMs`).
  const rows = (prefix: string) => section.split('\n').filter((line) => line.startsWith(`| \`${prefix}.`));
  const listed = (prefix: string, field: string) =>
    rows(prefix).some((row) => row.includes(`\`${prefix}.${field}\``) || row.includes(`\`${prefix}.${field}.`) || row.split(' | ')[0]!.includes(`\`${field}\``));
  for (const field of linkFields) assert.ok(listed('faults.<link>', field), field);
  for (const field of appFields) assert.ok(listed('faults.app', field), field);
  assert.ok(section.includes("pulumi config set --path 'faults.postgres.latencyMs' 300"));
  assert.ok(section.includes('pulumi config set faultScenario db-latency'));
  assert.ok(section.includes('pulumi config rm faults'));
});

test('README says, per Docker runtime, what to type before pulumi up, and never offers DOCKER_CONTEXT as the way', () => {
  const root = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
  const prerequisites = readme.slice(readme.indexOf('## Prerequisites'), readme.indexOf('## Run it'));
  for (const runtime of ['Docker Engine', 'Docker Desktop, macOS', 'Docker Desktop, Linux', 'Colima', 'Rancher Desktop', 'OrbStack', 'Podman']) {
    assert.ok(prerequisites.includes(`| ${runtime}`), `infra-program/README.md has a row for ${runtime}`);
  }
  for (const runtime of ['Docker Engine', 'Docker Desktop, macOS', 'Docker Desktop, Linux', 'Colima']) assert.ok(root.includes(`| ${runtime}`), `README.md: ${runtime}`);
  // The provider's fallbacks, as pulumi-docker's configureDockerClient tries them, and its error when none answers.
  for (const socket of ['/var/run/docker.sock', '~/.docker/run/docker.sock', '~/.docker/desktop/docker.sock']) assert.ok(prerequisites.includes(socket), socket);
  assert.ok(prerequisites.includes('failed to connect to any docker daemon'));
  for (const text of [root, readme]) assert.doesNotMatch(text, /export DOCKER_CONTEXT/);
});
