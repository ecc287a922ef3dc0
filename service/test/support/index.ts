/**
 * `@lab/service/testing`: what the other packages' tests and tools run the service with: throwaway Postgres
 * and Redis servers, the OTLP receivers (HTTP and gRPC) the service or a Collector exports to, the service
 * process itself, a migrated stack, flag files in flagd's format, the real programs built beside it, and the
 * real Toxiproxy started from a -config file.
 */
export * from './servers';
export * from './otlp-receiver';
export * from './otlp-grpc-receiver';
export * from './service-process';
export * from './stack';
export * from './flag-file';
export * from './programs';
export * from './toxiproxy';
