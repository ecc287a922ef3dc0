import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '@lab/service/testing';

/** Peak resident set size of a live process, in MiB, from the kernel's high-water mark (VmHWM). */
export function peakRssMiB(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = /^VmHWM:\s+(\d+)\s+kB$/m.exec(status)?.[1];
  return kib === undefined ? Number.NaN : Number(kib) / 1024;
}

/** Ticks per second of /proc/<pid>/stat's utime/stime (USER_HZ, 100 on Linux). */
const clockTicksPerSecond = 100;

/** CPU seconds (user + system) a live process has used so far. */
export function cpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may contain spaces) start after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return (utime + stime) / clockTicksPerSecond;
}

export interface BareServer {
  readonly baseUrl: string;
  readonly process: ChildProcess;
  stop(): Promise<void>;
}

/** The ceiling server, in its own process like the service, so both pay for the same process boundary. */
export async function startBareServer(redisUrl: string): Promise<BareServer> {
  const port = await freePort();
  const child = spawn(process.execPath, [join(__dirname, 'bare-server.ts')], {
    env: { PORT: String(port), REDIS_URL: redisUrl, PATH: process.env.PATH ?? '' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`bare server exited with ${code}`)));
    child.stdout!.once('data', () => resolve());
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    process: child,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

export interface BuiltService {
  readonly baseUrl: string;
  readonly process: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Starts `<serviceDir>/dist/main.js` with its telemetry preloaded, as the image does, and waits until it is
 * live: any checkout's build (the A/B's baseline as well as this one).
 */
export async function startBuiltService(serviceDir: string, env: NodeJS.ProcessEnv, port: number, name = 'the service'): Promise<BuiltService> {
  const dist = join(serviceDir, 'dist');
  if (!existsSync(join(dist, 'main.js'))) throw new Error(`${dist}/main.js not found: build that checkout first`);
  const child = spawn(process.execPath, ['--require', join(dist, 'telemetry', 'register.js'), join(dist, 'main.js')], {
    cwd: serviceDir,
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  while (!(await fetch(`${baseUrl}/health/live`).then((r) => r.ok, () => false))) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`${name} did not become live`);
    await new Promise((done) => setTimeout(done, 100));
  }
  return {
    baseUrl,
    process: child,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
