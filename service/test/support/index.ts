/**
 * `@lab/service/testing`: what the other packages' tests and tools run the service with: throwaway Postgres
export * from './toxiproxy';
export * from './flag-sync-server';
 */
export * from './servers';
export * from './otlp-receiver';
export * from './otlp-grpc-receiver';
export * from './service-process';
export * from './stack';
export * from './flag-file';
export * from './programs';
export * from './toxiproxy';
export * from './flag-sync-server';
