/**
 * `@lab/service/testing`: what the other packages' tests and tools run the service with: throwaway Postgres
 * and Redis servers, the OTLP receiver the service exports to, the service process itself, a migrated stack,
 * flag files in flagd's format, and a stand-in for flagd's sync stream (flagd cannot be built here: programs.ts).
 */
export * from './servers';
export * from './otlp-receiver';
export * from './service-process';
export * from './stack';
export * from './flag-file';
export * from './programs';
export * from './flag-sync-server';
