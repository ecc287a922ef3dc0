import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * How a server is stopped. Postgres: `pg_ctl stop -m fast` (sessions are terminated, then a clean
 * shutdown) or `-m immediate` (no shutdown at all, like a crash). Redis is always killed with SIGKILL.
 */
export type StopMode = 'fast' | 'immediate';

/**
 * Real Postgres and Redis servers for tests and the benchmark: the ones named by TEST_DATABASE_URL /
 * TEST_REDIS_URL when set, otherwise throwaway servers on free loopback ports in a temp directory.
 * Throwaway servers can be stopped and started again on the same port to simulate outages.
 */
export interface TestServer {
  readonly url: string;
  /** False for servers given by the environment: the tests that stop servers then skip. */
  readonly controllable: boolean;
  /** Stops the server (default `immediate`); start() brings it back on the same port. */
  stop(mode?: StopMode): Promise<void>;
  start(): Promise<void>;
  dispose(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function waitUntil(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

function postgresBinDir(): string {
  const fromConfig = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8' });
  if (fromConfig.status === 0 && existsSync(path.join(fromConfig.stdout.trim(), 'initdb'))) return fromConfig.stdout.trim();
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a)) : [];
  for (const version of versions) {
    const dir = path.join(root, version, 'bin');
    if (existsSync(path.join(dir, 'initdb'))) return dir;
  }
  throw new Error('PostgreSQL server binaries not found: install Debian package postgresql, or set TEST_DATABASE_URL');
}

/** Postgres refuses to run as root; under root (CI containers) run it as the `postgres` system user. */
function asServerUser(command: string, args: string[]): [string, string[]] {
  return process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
}

function run(command: string, args: string[]) {
  const [cmd, argv] = asServerUser(command, args);
  const result = spawnSync(cmd, argv, { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${command} failed: ${result.stderr || result.stdout}`);
}

/** As run, without blocking the event loop: clients in this process keep running (and timing) meanwhile. */
async function runAsync(command: string, args: string[]): Promise<void> {
  const [cmd, argv] = asServerUser(command, args);
  const child = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  });
  if (code !== 0) throw new Error(`${command} failed: ${output}`);
}

async function canConnect(port: number): Promise<boolean> {
  const { connect } = await import('node:net');
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

export async function startPostgres(): Promise<TestServer> {
  const external = process.env.TEST_DATABASE_URL;
  if (external) return externalServer(external);
  const bin = postgresBinDir();
  const dir = mkdtempSync(path.join(tmpdir(), 'lab-pg-'));
  const data = path.join(dir, 'data');
  if (process.getuid?.() === 0) {
    chmodSync(dir, 0o777);
    chownSync(dir, Number(spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout.trim()), 0);
  }
  run(path.join(bin, 'initdb'), ['-D', data, '-U', 'lab', '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C']);
  const port = await freePort();
  const pgCtl = (action: string, extra: string[] = []) =>
    runAsync(path.join(bin, 'pg_ctl'), [action, '-D', data, '-w', '-s', ...extra]);
  // fsync=off only skips flushing to disk, which a Postgres crash (stop -m immediate) does not need. Commits
  // stay synchronous, so an acknowledged write survives a crash as it does in the lab, and the fault tests'
  // ledger checks hold the service to that.
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c max_connections=200`;
  const start = async () => {
    await pgCtl('start', ['-o', options, '-l', path.join(dir, 'postgres.log')]);
    await waitUntil(() => canConnect(port), 'postgres to accept connections');
  };
  await start();
  run(path.join(bin, 'createdb'), ['-h', '127.0.0.1', '-p', String(port), '-U', 'lab', 'shop']);
  let running = true;
  return {
    url: `postgres://lab@127.0.0.1:${port}/shop`,
    controllable: true,
    async stop(mode: StopMode = 'immediate') {
      if (running) await pgCtl('stop', ['-m', mode]);
      running = false;
    },
    async start() {
      if (!running) await start();
      running = true;
    },
    async dispose() {
      if (running) await pgCtl('stop', ['-m', 'immediate']);
      running = false;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function startRedis(): Promise<TestServer> {
  const external = process.env.TEST_REDIS_URL;
  if (external) return externalServer(external);
  if (spawnSync('redis-server', ['--version']).status !== 0) {
    throw new Error('redis-server not found: install Debian package redis-server, or set TEST_REDIS_URL');
  }
  const port = await freePort();
  let child: ChildProcess | undefined;
  const start = async () => {
    child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    await waitUntil(() => canConnect(port), 'redis to accept connections');
  };
  const isRunning = () => child !== undefined && child.exitCode === null && child.signalCode === null;
  const stop = async () => {
    if (!child || !isRunning()) return;
    const exited = new Promise((resolve) => child!.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    await waitUntil(async () => !(await canConnect(port)), 'redis to stop');
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}/0`,
    controllable: true,
    stop,
    start: async () => {
      if (!isRunning()) await start();
    },
    dispose: stop,
  };
}

function externalServer(url: string): TestServer {
  const unsupported = async () => {
    throw new Error('servers given by TEST_DATABASE_URL / TEST_REDIS_URL cannot be stopped by the tests');
  };
  return { url, controllable: false, stop: unsupported, start: unsupported, dispose: async () => undefined };
}
