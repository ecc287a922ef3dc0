import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { images } from '../src/images';
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
