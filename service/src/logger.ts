import pino from 'pino';

/**
 * JSON lines on stdout. Inside a request, @opentelemetry/instrumentation-pino adds trace_id and span_id to
 * each record and forwards it to the OTLP log exporter, so stdout and Loki carry the same lines.
 */
export function createLogger(level: string, serviceName = 'shop-api'): pino.Logger {
  return pino({
    level,
    base: { service: serviceName, pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  });
}

export type Logger = pino.Logger;
