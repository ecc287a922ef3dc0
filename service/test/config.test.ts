import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../src/config';

const valid = { DATABASE_URL: 'postgres://u:p@db:5432/shop', REDIS_URL: 'redis://cache:6379/0' };

describe('loadConfig', () => {
  it('applies defaults to a minimal environment', () => {
    const config = loadConfig(valid);
    assert.equal(config.PORT, 8080);
    assert.equal(config.LOG_LEVEL, 'info');
    assert.equal(config.OTEL_SDK_DISABLED, undefined);
  });

  it('names every missing variable', () => {
    assert.throws(() => loadConfig({}), (error: Error) => error instanceof ConfigError && /DATABASE_URL: is required/.test(error.message) && /REDIS_URL: is required/.test(error.message));
  });

  it('names each invalid variable', () => {
    const cases: Array<[Record<string, string>, string]> = [
      [{ PORT: '70000' }, 'PORT'],
      [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
      [{ REDIS_URL: 'not a url' }, 'REDIS_URL'],
      [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
      [{ OTEL_EXPORTER_OTLP_PROTOCOL: 'udp' }, 'OTEL_EXPORTER_OTLP_PROTOCOL'],
      [{ OTEL_TRACES_SAMPLER_ARG: '1.5' }, 'OTEL_TRACES_SAMPLER_ARG'],
      [{ OTEL_SDK_DISABLED: 'maybe' }, 'OTEL_SDK_DISABLED'],
    ];
    for (const [override, key] of cases) {
      assert.throws(() => loadConfig({ ...valid, ...override }), (error: Error) => error.message.includes(`${key}:`), key);
    }
  });

  it('accepts every standard OTLP protocol', () => {
    for (const protocol of ['grpc', 'http/protobuf', 'http/json']) {
      assert.equal(loadConfig({ ...valid, OTEL_EXPORTER_OTLP_PROTOCOL: protocol }).OTEL_EXPORTER_OTLP_PROTOCOL, protocol);
    }
  });
});
