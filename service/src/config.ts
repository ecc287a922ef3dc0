import { z } from 'zod';

/** A configuration problem that must stop start-up; the message names every offending variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

const port = z.coerce.number().int().min(1).max(65535);
const positiveInt = (max: number) => z.coerce.number().int().min(1).max(max);

const urlWithScheme = (schemes: readonly string[]) =>
  z.string().trim().min(1).refine(
    (value) => {
      try {
        return schemes.includes(new URL(value).protocol);
      } catch {
        return false;
      }
    },
    { message: `must be a URL with scheme ${schemes.map((s) => s.replace(':', '://')).join(' or ')}` },
  );

const booleanFlag = z
  .enum(['true', 'false', 'TRUE', 'FALSE', 'True', 'False', '1', '0', ''])
  .transform((value) => value.toLowerCase() === 'true' || value === '1');

/** A host name or IP address alone: the flagd provider builds `<host>:<port>` itself. */
const hostOnly = z
  .string()
  .trim()
  .min(1)
  .refine((value) => !/[/:@\s]/.test(value), { message: 'must be a host name or IPv4 address, without scheme, port or path' });

const samplers = [
  'always_on', 'always_off', 'traceidratio',
  'parentbased_always_on', 'parentbased_always_off', 'parentbased_traceidratio',
] as const;

const environmentSchema = z.object({
  PORT: port.default(8080),
  DATABASE_URL: urlWithScheme(['postgres:', 'postgresql:']),
  REDIS_URL: urlWithScheme(['redis:', 'rediss:']),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DB_POOL_MAX: positiveInt(100).default(10),
  DB_CONNECT_TIMEOUT_SECONDS: positiveInt(60).default(3),
  CACHE_TTL_SECONDS: positiveInt(86_400).default(60),
  REDIS_COMMAND_TIMEOUT_MS: positiveInt(10_000).default(250),
  // Below Docker's default 10 s stop timeout, so the process, not SIGKILL, ends the shutdown.
  SHUTDOWN_GRACE_MS: positiveInt(120_000).default(8_000),
  // After SIGTERM, keep serving while readiness answers 503, so a load balancer's health check takes the
  // replica out before its port closes. Part of SHUTDOWN_GRACE_MS; 0 when nothing balances over it.
  SHUTDOWN_DRAIN_DELAY_MS: z.coerce.number().int().min(0).max(60_000).default(0),
  HEAVY_TASK_CONCURRENCY: positiveInt(16).default(2),
  HEAVY_TASK_QUEUE_LIMIT: positiveInt(10_000).default(100),
  // The standard OpenTelemetry variables are read by the SDK itself; they are validated here so a typo stops
  // start-up with a clear message instead of silently exporting nowhere.
  OTEL_SDK_DISABLED: booleanFlag.optional(),
  OTEL_SERVICE_NAME: z.string().trim().min(1).optional(),
  OTEL_EXPORTER_OTLP_ENDPOINT: urlWithScheme(['http:', 'https:']).optional(),
  OTEL_EXPORTER_OTLP_PROTOCOL: z.enum(['grpc', 'http/protobuf', 'http/json']).optional(),
  OTEL_TRACES_SAMPLER: z.enum(samplers).optional(),
  OTEL_TRACES_SAMPLER_ARG: z.coerce.number().min(0).max(1).optional(),
  // Feature flags for the failure lab (faults/flag-provider.ts), named as @openfeature/flagd-provider 0.16
  // reads them. With neither FLAGD_HOST nor FLAGD_OFFLINE_FLAG_SOURCE_PATH no provider is set and every
  // flag is its default: no fault.
  FLAGD_HOST: hostOnly.optional(),
  // flagd's sync port (the provider's in-process default is 8015); FLAGD_SYNC_PORT is the provider's alias.
  FLAGD_PORT: port.optional(),
  FLAGD_SYNC_PORT: port.optional(),
  // Evaluation happens in-process from flagd's synced flag set: no network call on a request's path.
  FLAGD_RESOLVER: z.enum(['in-process'], { message: 'must be in-process: the service evaluates flags locally from flagd\'s sync stream' }).default('in-process'),
  // A flag file in flagd's schema, read and watched by the provider itself (tests, local runs); wins over FLAGD_HOST.
  FLAGD_OFFLINE_FLAG_SOURCE_PATH: z.string().trim().min(1).optional(),
  // Continuous profiling (telemetry/profiling/), named and meant as @pyroscope/nodejs reads them; the service
  // drives @datadog/pprof itself so that samples carry the active root span's id. No server address: no profiler.
  PYROSCOPE_SERVER_ADDRESS: urlWithScheme(['http:', 'https:']).optional(),
  PYROSCOPE_APPLICATION_NAME: z.string().trim().min(1).optional(),
  PYROSCOPE_FLUSH_INTERVAL_MS: z.coerce.number().int().min(1_000).max(600_000).default(15_000),
  PYROSCOPE_WALL_SAMPLING_INTERVAL_MICROS: z.coerce.number().int().min(1_000).max(1_000_000).default(10_000),
  PYROSCOPE_WALL_COLLECT_CPU_TIME: booleanFlag.default(true),
  PYROSCOPE_HEAP_SAMPLING_INTERVAL_BYTES: z.coerce.number().int().min(1_024).max(1 << 30).default(524_288),
  PYROSCOPE_HEAP_STACK_DEPTH: positiveInt(1_024).default(64),
});

export type Config = z.infer<typeof environmentSchema>;

/** Reads the process environment; throws ConfigError naming each missing or invalid variable. */
export function loadConfig(environment: NodeJS.ProcessEnv = process.env): Config {
  return parseEnvironment(environmentSchema, environment);
}

/** What the one-shot migration needs: only the database. */
export function loadMigrationConfig(environment: NodeJS.ProcessEnv = process.env): Pick<Config, 'DATABASE_URL'> {
  return parseEnvironment(environmentSchema.pick({ DATABASE_URL: true }), environment);
}

/** Parses the present (non-empty) variables with `schema`; throws ConfigError naming each missing or invalid one. */
export function parseEnvironment<Schema extends z.ZodType>(schema: Schema, environment: NodeJS.ProcessEnv): z.infer<Schema> {
  const present = Object.fromEntries(Object.entries(environment).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = schema.safeParse(present);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const key = issue.path.join('.');
    const message = issue.code === 'invalid_type' && !(key in present) ? 'is required' : issue.message;
    return `${key}: ${message}`;
  });
  throw new ConfigError(`Invalid environment: ${problems.join('; ')}`);
}

/** Runs a loader; a ConfigError stops the process with its message (naming each variable) and exit code 1. */
export function loadOrExit<T>(load: () => T): T {
  try {
    return load();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}
