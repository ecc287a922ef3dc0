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
    const shown = typeof value === 'object' ? '[]' : String(value);
    assert.match(readme, new RegExp(`\\| \`${key}\` \\| \`${shown.replace(/[.[\]]/g, '\\$&')}\` \\|`), key);
  }
  assert.ok(readme.includes('pulumi stack select --create dev && pulumi up'));
  assert.ok(readme.includes('PULUMI_CONFIG_PASSPHRASE'));
  assert.ok(readme.includes('pulumi destroy'));
  assert.ok(readme.includes('npm test -w @lab/infra-program'));
});
