/**
 * Loaded with `node --require` before the application, so the SDK patches ioredis and pino before
 * anything imports them.
 */
import { loadConfig, loadOrExit } from '../config';
import { createLogger } from '../logger';
import { startProfiling } from './profiling/profiler';
import { profilingSettings } from './profiling/settings';
import { startTelemetry } from './sdk';

// Validate the environment here too: a bad OTEL_* value stops start-up with a message naming it.
const config = loadOrExit(loadConfig);
if (!config.OTEL_SDK_DISABLED) startTelemetry(config);
// Profiling starts with the process (off without PYROSCOPE_SERVER_ADDRESS), so start-up is in the first window.
const profiling = profilingSettings(config);
if (profiling) startProfiling(profiling, createLogger(config.LOG_LEVEL, profiling.serviceName).child({ component: 'profiler' }));
