import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { freePort } from './servers';

export const serviceRoot = path.resolve(__dirname, '..', '..');
const registerTelemetry = path.join(serviceRoot, 'dist', 'telemetry', 'register.js');
const mainScript = path.join(serviceRoot, 'dist', 'main.js');
const migrateScript = path.join(serviceRoot, 'dist', 'migrate.js');

export interface RunningService {
  readonly baseUrl: string;
  readonly process: ChildProcess;
  /** Every stdout line parsed as JSON (pino); lines that are not JSON are kept as { raw }. */
  readonly logLines: Array<Record<string, unknown>>;
  readonly stderr: string[];
  /** Sends SIGTERM and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  fetch(pathname: string, init?: RequestInit): Promise<Response>;
}

export interface ServiceEnvironment {
  readonly databaseUrl: string;
  readonly redisUrl: string;
  /** OTLP base endpoint; when absent the SDK is disabled. */
  readonly otlpEndpoint?: string;
  readonly extra?: Record<string, string>;
}

export function serviceEnvironment({ databaseUrl, redisUrl, otlpEndpoint, extra }: ServiceEnvironment, port: number): NodeJS.ProcessEnv {
  const { NODE_OPTIONS: _ignored, ...inherited } = process.env;
  return {
    ...inherited,
    PORT: String(port),
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    LOG_LEVEL: 'info',
    OTEL_SERVICE_NAME: 'shop-api',
    ...(otlpEndpoint
      ? {
          OTEL_SDK_DISABLED: 'false',
          OTEL_EXPORTER_OTLP_ENDPOINT: otlpEndpoint,
          OTEL_METRIC_EXPORT_INTERVAL: '1000',
          OTEL_BSP_SCHEDULE_DELAY: '200',
          OTEL_BLRP_SCHEDULE_DELAY: '200',
        }
      : { OTEL_SDK_DISABLED: 'true' }),
    ...extra,
  };
}

/** On a fresh clone the service is not built yet: builds it as `npm run build` does (another package's test may run first). */
export function ensureServiceBuilt(): void {
  if (existsSync(mainScript)) return;
  const build = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-b', serviceRoot], { encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`building the service failed:\n${build.stdout}${build.stderr}`);
}

export async function runMigrationsProcess(databaseUrl: string): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [migrateScript], {
    cwd: serviceRoot,
    env: { ...process.env, DATABASE_URL: databaseUrl },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  return { code, output };
}

export async function startService(environment: ServiceEnvironment, readyTimeoutMs = 20_000): Promise<RunningService> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--require', registerTelemetry, mainScript], {
    cwd: serviceRoot,
    env: serviceEnvironment(environment, port),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logLines: Array<Record<string, unknown>> = [];
  const stderr: string[] = [];
  let pending = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    pending += chunk.toString();
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines.filter(Boolean)) {
      try {
        logLines.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        logLines.push({ raw: line });
      }
    }
  });
  child.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const baseUrl = `http://127.0.0.1:${port}`;

  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`service exited with ${child.exitCode}: ${stderr.join('')}`);
    const live = await fetch(`${baseUrl}/health/live`).then((r) => r.ok, () => false);
    if (live) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`service did not become live: ${stderr.join('')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  return {
    baseUrl,
    process: child,
    logLines,
    stderr,
    fetch: (pathname, init) => fetch(`${baseUrl}${pathname}`, init),
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** A W3C traceparent with fresh random ids, sampled. */
export function newTraceparent(): { traceparent: string; traceId: string } {
  const traceId = crypto.getRandomValues(new Uint8Array(16)).reduce((hex, byte) => hex + byte.toString(16).padStart(2, '0'), '');
  const spanId = crypto.getRandomValues(new Uint8Array(8)).reduce((hex, byte) => hex + byte.toString(16).padStart(2, '0'), '');
  return { traceparent: `00-${traceId}-${spanId}-01`, traceId };
}

export const jsonRequest = (method: string, body: unknown, headers: Record<string, string> = {}): RequestInit => ({
  method,
  headers: { 'content-type': 'application/json', ...headers },
  body: typeof body === 'string' ? body : JSON.stringify(body),
});
