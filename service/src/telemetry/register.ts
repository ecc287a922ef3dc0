/**
 * Loaded with `node --require` before the application, so the SDK patches ioredis and pino before
 * anything imports them.
 */
import { ConfigError, loadConfig, type Config } from '../config';
import { startTelemetry } from './sdk';

// Validate the environment here too: a bad OTEL_* value stops start-up with a message naming it.
let config: Config;
try {
  config = loadConfig();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
}
if (!config.OTEL_SDK_DISABLED) startTelemetry();
