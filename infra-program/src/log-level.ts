/** The levels the lab's Node programs (the service and its fault controller) take as LOG_LEVEL: pino's. */
export const logLevels = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;
export type LogLevel = (typeof logLevels)[number];
