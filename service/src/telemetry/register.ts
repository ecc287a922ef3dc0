/**
 * Loaded with `node --require` before the application, so the SDK patches ioredis and pino before
 * anything imports them.
 */
import { loadConfig, loadOrExit } from '../config';
import { profilingSettings } from './profiling/settings';
import { startTelemetry } from './sdk';

// Validate the environment here too: a bad OTEL_* value stops start-up with a message naming it.
const config = loadOrExit(loadConfig);
if (!config.OTEL_SDK_DISABLED) startTelemetry();
// Profiling starts with the process (off without PYROSCOPE_SERVER_ADDRESS), so start-up is in the first window.
const profiling = profilingSettings(config);
if (profiling) {
  // pino is loaded only now, after the SDK has patched it: loaded earlier, its lines would lose their trace ids.
  // The profiler and its native module load only when profiling is on.
  const { createLogger } = require('../logger') as typeof import('../logger');
  const { startProfiling } = require('./profiling/profiler') as typeof import('./profiling/profiler');
  startProfiling(profiling, createLogger(config.LOG_LEVEL, profiling.serviceName).child({ component: 'profiler' }));
}
