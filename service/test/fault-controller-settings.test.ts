import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '../src/config';
import { faultControllerDefaults, faultControllerEnvironment } from '../src/fault-controller/environment';
import { loadFaultControllerSettings } from '../src/fault-controller/settings';

const asEnvironment = (pairs: readonly string[]) => Object.fromEntries(pairs.map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]));

describe('loadFaultControllerSettings', () => {
  it('reads the environment the Pulumi program builds, trimming the URL\'s trailing slash', () => {
    const environment = asEnvironment(faultControllerEnvironment({ toxiproxyUrl: 'http://toxiproxy:8474/', faultsFile: '/etc/f.json', metricsPort: 9999 }));
    const settings = loadFaultControllerSettings(environment);
    assert.equal(settings.toxiproxyUrl, 'http://toxiproxy:8474');
    assert.equal(settings.faultsFile, '/etc/f.json');
    assert.equal(settings.metricsPort, 9999);
  });

  it('falls back to the defaults for what is not set', () => {
    const settings = loadFaultControllerSettings({ TOXIPROXY_URL: 'http://toxiproxy:8474' });
    assert.equal(settings.faultsFile, faultControllerDefaults.faultsFile);
    assert.equal(settings.metricsPort, faultControllerDefaults.metricsPort);
    assert.equal(settings.reconcileIntervalMs, faultControllerDefaults.reconcileIntervalMs);
  });

  it('names each missing or invalid variable', () => {
    assert.throws(
      () => loadFaultControllerSettings({ METRICS_PORT: 'x', RECONCILE_INTERVAL_MS: '10' }),
      (error: Error) =>
        error instanceof ConfigError &&
        /TOXIPROXY_URL: is required/.test(error.message) &&
        /METRICS_PORT:/.test(error.message) &&
        /RECONCILE_INTERVAL_MS:/.test(error.message),
    );
    assert.throws(() => loadFaultControllerSettings({ TOXIPROXY_URL: 'toxiproxy:8474' }), /TOXIPROXY_URL: must be a URL/);
  });
});
