/**
 * Runs a k6 scenario function in Node, for tests only: the k6 sources are bundled with esbuild (k6 modules
 * left external), executed in a worker thread whose `k6`, `k6/http`, `k6/crypto` and `k6/metrics` are small
 * synchronous stand-ins. k6's HTTP calls are synchronous; the worker blocks on Atomics.wait while the main
 * thread performs the request with node:http (which, unlike fetch, sends the Host header we give it).
 * This is not k6: it proves the scripts' logic (routes, checks, signal look-ups) against real servers.
 */
import { buildSync } from 'esbuild';
import { request as httpRequest } from 'node:http';
import { Worker } from 'node:worker_threads';

export interface ShimCheck {
  readonly name: string;
  readonly ok: boolean;
  readonly tags: Record<string, string>;
}

export interface ShimRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly tags: Record<string, string>;
  readonly status: number;
  readonly expected: boolean;
}

export interface ShimRun {
  readonly checks: ShimCheck[];
  readonly requests: ShimRequest[];
  readonly errors: string[];
  readonly metrics: Array<{ name: string; value: number; tags: Record<string, string> }>;
  readonly thrown?: string;
}

const workerSource = String.raw`
const { parentPort, workerData } = require('node:worker_threads');
const nodeCrypto = require('node:crypto');
const { code, env, fnName, signal, buffer } = workerData;
const flag = new Int32Array(signal);
const bytes = new Uint8Array(buffer);
const post = (message) => parentPort.postMessage(message);
const defaultExpected = (status) => status >= 200 && status < 400;

function send(method, url, body, params = {}) {
  Atomics.store(flag, 0, 0);
  post({ type: 'http', method, url, body: body == null ? undefined : String(body), headers: params.headers || {} });
  Atomics.wait(flag, 0, 0);
  const res = JSON.parse(new TextDecoder().decode(bytes.slice(0, Atomics.load(flag, 1))));
  const expected = (params.responseCallback || defaultExpected)(res.status);
  post({ type: 'request', method, url, headers: params.headers || {}, tags: params.tags || {}, status: res.status, expected });
  return { status: res.status, body: res.body, headers: res.headers, json: () => JSON.parse(res.body) };
}

const http = {
  get: (url, params) => send('GET', url, null, params),
  post: (url, body, params) => send('POST', url, body, params),
  patch: (url, body, params) => send('PATCH', url, body, params),
  put: (url, body, params) => send('PUT', url, body, params),
  del: (url, body, params) => send('DELETE', url, body, params),
  expectedStatuses: (...specs) => (status) =>
    specs.some((s) => (typeof s === 'number' ? s === status : status >= s.min && status <= s.max)),
};
const sleeper = new Int32Array(new SharedArrayBuffer(4));
const k6 = {
  check(value, sets, tags = {}) {
    let all = true;
    for (const [name, fn] of Object.entries(sets)) {
      const ok = Boolean(fn(value));
      all = all && ok;
      post({ type: 'check', name, ok, tags });
    }
    return all;
  },
  sleep: (seconds) => Atomics.wait(sleeper, 0, 0, seconds * 1000),
  fail: (message) => { throw new Error(message); },
};
class Metric {
  constructor(name) { this.name = name; }
  add(value, tags = {}) { post({ type: 'metric', name: this.name, value: Number(value), tags }); }
}
const modules = {
  k6,
  'k6/http': { __esModule: true, default: http, ...http },
  'k6/crypto': { randomBytes: (n) => { const b = nodeCrypto.randomBytes(n); return b.buffer.slice(b.byteOffset, b.byteOffset + n); } },
  'k6/metrics': { Counter: Metric, Rate: Metric, Trend: Metric, Gauge: Metric },
};
globalThis.__ENV = env;
globalThis.console = { log: () => {}, warn: () => {}, error: (...args) => post({ type: 'error', message: args.join(' ') }) };
try {
  const module = { exports: {} };
  new Function('require', 'module', 'exports', code)((name) => {
    if (!(name in modules)) throw new Error('module not available in the shim: ' + name);
    return modules[name];
  }, module, module.exports);
  const data = module.exports.setup ? module.exports.setup() : undefined;
  module.exports[fnName](data);
  post({ type: 'done' });
} catch (error) {
  post({ type: 'done', thrown: String(error && error.stack || error) });
}
`;

export function bundleScenario(entry: string): string {
  const result = buildSync({ entryPoints: [entry], bundle: true, format: 'cjs', platform: 'neutral', target: 'es2022', external: ['k6', 'k6/*'], write: false });
  return result.outputFiles[0]!.text;
}

function perform(message: { method: string; url: string; body?: string; headers: Record<string, string> }) {
  return new Promise<{ status: number; body: string; headers: Record<string, unknown> }>((resolve) => {
    const req = httpRequest(message.url, { method: message.method, headers: message.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), headers: res.headers }));
    });
    req.on('error', (error) => resolve({ status: 0, body: String(error), headers: {} }));
    if (message.body !== undefined) req.end(message.body);
    else req.end();
  });
}

export async function runScenarioFunction(entry: string, fnName: string, env: Record<string, string>): Promise<ShimRun> {
  const signal = new SharedArrayBuffer(8);
  const buffer = new SharedArrayBuffer(4 * 1024 * 1024);
  const flag = new Int32Array(signal);
  const worker = new Worker(workerSource, { eval: true, workerData: { code: bundleScenario(entry), env, fnName, signal, buffer } });
  const run: { checks: ShimCheck[]; requests: ShimRequest[]; errors: string[]; metrics: ShimRun['metrics']; thrown?: string } = {
    checks: [],
    requests: [],
    errors: [],
    metrics: [],
  };
  await new Promise<void>((resolve, reject) => {
    worker.on('error', reject);
    worker.on('message', (message: Record<string, any>) => {
      switch (message.type) {
        case 'http':
          void perform(message as never).then((res) => {
            const encoded = new TextEncoder().encode(JSON.stringify(res));
            new Uint8Array(buffer).set(encoded.subarray(0, buffer.byteLength));
            Atomics.store(flag, 1, Math.min(encoded.length, buffer.byteLength));
            Atomics.store(flag, 0, 1);
            Atomics.notify(flag, 0);
          });
          break;
        case 'check':
          run.checks.push({ name: message.name, ok: message.ok, tags: message.tags });
          break;
        case 'request':
          run.requests.push(message as ShimRequest);
          break;
        case 'metric':
          run.metrics.push({ name: message.name, value: message.value, tags: message.tags });
          break;
        case 'error':
          run.errors.push(message.message);
          break;
        case 'done':
          if (message.thrown) run.thrown = message.thrown;
          resolve();
          break;
      }
    });
  });
  await worker.terminate();
  return run;
}
