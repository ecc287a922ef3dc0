/**
 * Loaded with `node --require` before the application, so the SDK patches ioredis and pino before
 * anything imports them.
 */
import { loadConfig, loadOrExit } from '../config';
import { startTelemetry } from './sdk';

// Validate the environment here too: a bad OTEL_* value stops start-up with a message naming it.
const config = loadOrExit(loadConfig);
if (!config.OTEL_SDK_DISABLED) startTelemetry(config);
