import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from './servers';
import { programPath, realPrograms } from './programs';

/**
 * The real Toxiproxy server (`npm run programs` builds it at the version the lab pins), started as the lab's
 * container starts it: `-host`, `-port` and `-config`, a file listing each proxy as {name, listen, upstream,
 * enabled} (proxy_collection.go PopulateJson at v2.12.0). It creates those proxies before its API listens
 * (cmd/server/server.go), so once `/version` answers they exist.
 */
export interface ToxiproxyConfigEntry {
  readonly name: string;
  /** host:port the proxy listens on. */
  readonly listen: string;
  /** host:port it dials for each connection. */
  readonly upstream: string;
  readonly enabled: boolean;
}

export interface RunningToxiproxy {
  /** Base URL of its HTTP API. */
  readonly url: string;
  readonly version: string;
  /** The port a proxy of the -config file listens on. */
  port(proxy: string): number;
  /** `targetUrl` (postgres://, redis://) with host and port replaced by the proxy's. */
  urlFor(proxy: string, targetUrl: string): string;
  /** SIGTERM, and wait for the process to exit: its API and every proxy gone, every connection closed. */
  stop(): Promise<void>;
  /** Starts it again with the same -config file and API port: as a restarted container, no toxics. */
  start(): Promise<void>;
  /** SIGSTOP / SIGCONT: a Toxiproxy that hangs, its ports still accepting connections it never serves. */
  freeze(): void;
  thaw(): void;
  /** What it logged (zerolog JSON on stderr), for a failure message. */
  output(): string;
  close(): Promise<void>;
}

/** Each upstream behind a proxy that listens on a free loopback port, enabled: a -config file for tests. */
export async function loopbackProxies(upstreams: Readonly<Record<string, string>>): Promise<ToxiproxyConfigEntry[]> {
  const entries: ToxiproxyConfigEntry[] = [];
  for (const [name, upstream] of Object.entries(upstreams)) entries.push({ name, listen: `127.0.0.1:${await freePort()}`, upstream, enabled: true });
  return entries;
}

/** host:port of a URL, for a proxy's upstream. */
export const hostPort = (url: string) => `${new URL(url).hostname}:${new URL(url).port}`;

export async function startToxiproxy(config: readonly ToxiproxyConfigEntry[], options: { started?: boolean } = {}): Promise<RunningToxiproxy> {
  const binary = programPath('toxiproxy');
  const dir = mkdtempSync(path.join(tmpdir(), 'lab-toxiproxy-'));
  const configFile = path.join(dir, 'proxies.json');
  writeFileSync(configFile, JSON.stringify(config));
  const apiPort = await freePort();
  const url = `http://127.0.0.1:${apiPort}`;
  let child: ChildProcess | undefined;
  let output = '';

  const running = () => child !== undefined && child.exitCode === null && child.signalCode === null;
  const start = async () => {
    if (running()) return;
    const started = spawn(binary, ['-host=127.0.0.1', `-port=${apiPort}`, `-config=${configFile}`], { stdio: ['ignore', 'pipe', 'pipe'] });
    child = started;
    const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-50_000));
    started.stdout!.on('data', keep);
    started.stderr!.on('data', keep);
    const deadline = Date.now() + 15_000;
    for (;;) {
      if (!running()) throw new Error(`toxiproxy exited at start (${started.exitCode ?? started.signalCode}): ${output}`);
      const answer = await fetch(`${url}/version`, { signal: AbortSignal.timeout(1_000) }).then((response) => response.ok, () => false);
      if (answer) return;
      if (Date.now() > deadline) throw new Error(`toxiproxy's API did not answer within 15 s: ${output}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  const stop = async () => {
    if (!child || !running()) return;
    const exited = new Promise((resolve) => child!.once('exit', resolve));
    child.kill('SIGCONT');
    child.kill('SIGTERM');
    const killed = setTimeout(() => child?.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(killed);
  };
  const port = (proxy: string) => {
    const entry = config.find((candidate) => candidate.name === proxy);
    if (!entry) throw new Error(`no proxy ${proxy} in the -config file`);
    return Number(entry.listen.slice(entry.listen.lastIndexOf(':') + 1));
  };

  if (options.started !== false) await start();
  return {
    url,
    version: realPrograms.toxiproxy.version,
    port,
    urlFor(proxy, targetUrl) {
      const target = new URL(targetUrl);
      target.hostname = '127.0.0.1';
      target.port = String(port(proxy));
      return target.toString();
    },
    stop,
    start,
    freeze: () => {
      if (!child?.pid) return;
      child.kill('SIGSTOP');
      // The stop reaches every thread of the process asynchronously: wait until the kernel shows it stopped
      // (state T in /proc/<pid>/stat), so nothing the test sends next is answered.
      const deadline = Date.now() + 2_000;
      while (Date.now() < deadline && !/^\d+ \(.*\) T /.test(readFileSync(`/proc/${child.pid}/stat`, 'utf8'))) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
    },
    thaw: () => void child?.kill('SIGCONT'),
    output: () => output,
    async close() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
