import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parse } from 'yaml';
import { defaultSettings, readSettings, SettingsError, type PlatformSettings } from '../src/settings';

const project = 'observability-lab';
const root = join(__dirname, '..', '..');
const read = (values: Record<string, string>) => readSettings(project, (key) => values[key]);

describe('stack settings', () => {
  test('no config at all gives the defaults', () => {
    assert.deepEqual(read({}), defaultSettings);
  });

  test('valid values are parsed into their types', () => {
    const settings = read({ replicas: '4', k6Enabled: 'false', k6Scenario: 'soak', k6Params: '["RATE=5","DURATION=2m"]', grafanaPort: '3300' });
    assert.equal(settings.replicas, 4);
    assert.equal(settings.k6Enabled, false);
    assert.equal(settings.k6Scenario, 'soak');
    assert.deepEqual(settings.k6Params, { RATE: '5', DURATION: '2m' });
    assert.equal(settings.grafanaPort, 3300);
  });

  const invalid: [string, Record<string, string>][] = [
    ['replicas', { replicas: 'two' }],
    ['replicas', { replicas: '0' }],
    ['replicas', { replicas: '1.5' }],
    ['appPort', { appPort: '70000' }],
    ['bindAddress', { bindAddress: 'localhost' }],
    ['appHost', { appHost: 'Shop Host' }],
    ['logLevel', { logLevel: 'verbose' }],
    ['traceSamplePercent', { traceSamplePercent: '101' }],
    ['traceSamplePercent', { traceSamplePercent: '0.5' }],
    ['k6Scenario', { k6Scenario: 'stress' }],
    ['k6Params', { k6Params: 'RATE=5' }],
    ['k6Params', { k6Params: '["rate=5"]' }],
    ['k6Params', { k6Scenario: 'smoke', k6Params: '["RATE=5"]' }],
    ['k6Enabled', { k6Enabled: 'yes' }],
    ['k6AttachedMaxMinutes', { k6AttachedMaxMinutes: '0' }],
    ['k6AttachedMaxMinutes', { k6AttachedMaxMinutes: '90m' }],
    ['k6AttachedMaxMinutes', { k6AttachedMaxMinutes: '1441' }],
    ['grafanaPort', { grafanaPort: '8000' }],
    ['alertmanagerPort', { alertmanagerPort: '9090' }],
    ['alertmanagerPort', { alertmanagerPort: '0' }],
    ['minioConsoleHost', { minioConsoleHost: 'shop.localhost' }],
  ];
  for (const [key, values] of invalid) {
    test(`an invalid ${key} (${JSON.stringify(values)}) fails early, naming ${project}:${key}`, () => {
      assert.throws(() => read(values), (error: unknown) => {
        assert.ok(error instanceof SettingsError);
        assert.match(error.message, new RegExp(`${project}:${key} `));
        return true;
      });
    });
  }

  test('every problem is reported at once', () => {
    assert.throws(() => read({ replicas: 'x', logLevel: 'y' }), /replicas[\s\S]*logLevel/);
  });

  test('Pulumi.yaml declares every knob with the default the program applies', () => {
    const file = parse(readFileSync(join(root, 'Pulumi.yaml'), 'utf8'));
    assert.equal(file.name, project);
    assert.equal(file.main, 'infra-program/');
    assert.equal(file.runtime.name, 'nodejs');
    assert.match(file.backend.url, /^file:\/\//);
    const declared = file.config as Record<string, { type: string; default: unknown }>;
    assert.deepEqual(Object.keys(declared).sort(), Object.keys(defaultSettings).sort());
    for (const [key, spec] of Object.entries(declared)) {
      const expected = defaultSettings[key as keyof PlatformSettings];
      const value = key === 'k6Params' ? Object.entries(expected as object).map(([k, v]) => `${k}=${v}`) : expected;
      assert.deepEqual(spec.default, value, key);
      const type = Array.isArray(spec.default) ? 'array' : typeof spec.default === 'number' ? 'integer' : typeof spec.default;
      assert.equal(spec.type, type, key);
    }
  });

  test('Pulumi.dev.yaml sets only known keys, to valid values', () => {
    const file = parse(readFileSync(join(root, 'Pulumi.dev.yaml'), 'utf8'));
    const values: Record<string, string> = {};
    for (const [key, value] of Object.entries(file.config ?? {})) {
      assert.ok(key.startsWith(`${project}:`), key);
      const name = key.slice(project.length + 1);
      assert.ok(name in defaultSettings, `${key} is a known knob`);
      values[name] = Array.isArray(value) ? JSON.stringify(value) : String(value);
    }
    assert.doesNotThrow(() => read(values));
  });
});
