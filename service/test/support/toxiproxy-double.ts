import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { startFaultProxy, type FaultProxy, type ProxyToxic } from './fault-proxy';

/**
 * Toxiproxy's HTTP API as v2.12.0 serves it (Shopify/toxiproxy at tag v2.12.0, 3ccd6a79), for testing the
 * fault controller where no Toxiproxy binary exists. Each proxy is a real TCP proxy (fault-proxy.ts) whose
 * toxics and enabled state follow the API, so a test can see a fault reach a connection. What it reproduces,
 * with the upstream source each behaviour was read in:
 *
 * api.go Routes:
 * - GET /proxies → 200, object keyed by name; POST /proxies → 201 (409 if the name exists, 400 without
 *   name/upstream); GET /proxies/{proxy} → 200; POST or PATCH /proxies/{proxy} → 200 (body fields default to
 *   the current ones: listen, upstream, enabled); DELETE /proxies/{proxy} → 204; POST /reset → 204 (every
 *   proxy enabled, every toxic removed); GET /version → 200 {"version": ...}.
 * - GET /proxies/{proxy}/toxics → 200 array; POST /proxies/{proxy}/toxics → 200 (not 201) with the toxic;
 *   GET/POST/PATCH/DELETE /proxies/{proxy}/toxics/{toxic} → 200/200/200/204.
 * - an unknown proxy → 404 "proxy not found"; an unknown toxic → 404 "toxic not found".
 * - errors: Go's http.Error, i.e. Content-Type text/plain, body `{"error":"...","status":n}` and a newline.
 * - a path no route matches → 404 "404 page not found"; a route with another method → 405, empty body
 *   (gorilla/mux defaults).
 * - a User-Agent starting with "Mozilla/" → 403 (stopBrowsersMiddleware).
 * - JSON: a proxy is {name, listen, upstream, enabled, Logger: {}, toxics} (proxyWithToxics; `Logger` is an
 *   exported untagged field of Proxy); a toxic is {attributes, name, type, stream, toxicity} (ToxicWrapper).
 * toxic_collection.go AddToxicJson / UpdateToxicJson:
 * - create defaults: stream "downstream", toxicity 1, name `<type>_<stream>`; stream parsed case-insensitively
 *   and kept as sent, else 400 "stream was invalid..."; unknown type → 400 "invalid toxic type"; a name used
 *   on either stream → 409 "toxic already exists"; attributes decoded onto a zero struct of the type:
 *   unknown names ignored, a fraction or a string for an integer field → 400 "bad request body: ...".
 * - update: attributes decoded onto the current ones (a left-out attribute keeps its value), toxicity kept
 *   when absent; type, stream and name cannot change.
 * - GET lists upstream toxics first, then downstream, each in the order added.
 * proxy.go / proxy_collection.go: disabling closes the listener and every connection; enabling an enabled
 * proxy (or disabling a disabled one) changes nothing; -config proxies are created enabled (PopulateJson).
 * toxics/*.go: the attribute names and integer types of latency, bandwidth, slicer, timeout, reset_peer,
 * limit_data, slow_close and noop.
 * Not reproduced: POST /populate, /metrics, the API's timeouts and request ids, and a listen address that
 * cannot be bound (500): proxies always listen on 127.0.0.1.
 */
export const doubledToxiproxyVersion = '2.12.0';

/** Each type's attributes, all Go integers (toxics/*.go). */
const toxicTypes: Record<string, readonly string[]> = {
  noop: [],
  latency: ['latency', 'jitter'],
  bandwidth: ['rate'],
  slicer: ['average_size', 'size_variation', 'delay'],
  timeout: ['timeout'],
  reset_peer: ['timeout'],
  limit_data: ['bytes'],
  slow_close: ['delay'],
};

interface DoubleProxy {
  name: string;
  upstream: string;
  enabled: boolean;
  toxics: ProxyToxic[];
  readonly tcp: FaultProxy;
}

export interface ProxyConfig {
  readonly name: string;
  /** host:port of the real server behind it. */
  readonly upstream: string;
}

export interface ToxiproxyDouble {
  readonly url: string;
  /** The TCP proxy behind a named proxy (to point a client at it). */
  proxy(name: string): FaultProxy;
  /** Every request the API answered, in order: method, path and status. */
  readonly requests: Array<{ method: string; path: string; status: number }>;
  /** Stops answering on the API port (connections refused), keeping the proxies' state. */
  stopApi(): Promise<void>;
  /** As a restarted container: proxies back from the -config list, enabled, with no toxics; same ports. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}
const proxyNotFound = () => new ApiError(404, 'proxy not found');
const toxicNotFound = () => new ApiError(404, 'toxic not found');
const badBody = (detail: string) => new ApiError(400, `bad request body: ${detail}`);

export async function startToxiproxyDouble(config: readonly ProxyConfig[]): Promise<ToxiproxyDouble> {
  const proxies = new Map<string, DoubleProxy>();
  const requests: Array<{ method: string; path: string; status: number }> = [];

  const createProxy = async (name: string, upstream: string, enabled: boolean, port = 0): Promise<DoubleProxy> => {
    const [host, upstreamPort] = splitHostPort(upstream);
    const tcp = await startFaultProxy({ host, port: upstreamPort }, port);
    if (!enabled) await tcp.setEnabled(false);
    const proxy: DoubleProxy = { name, upstream, enabled, toxics: [], tcp };
    proxies.set(name, proxy);
    return proxy;
  };
  const populate = async (ports: ReadonlyMap<string, number> = new Map()) => {
    for (const { name, upstream } of config) await createProxy(name, upstream, true, ports.get(name));
  };
  await populate();

  // GetToxicArray: the upstream chain, then the downstream chain.
  const ordered = (proxy: DoubleProxy) => [
    ...proxy.toxics.filter((toxic) => toxic.stream.toLowerCase() === 'upstream'),
    ...proxy.toxics.filter((toxic) => toxic.stream.toLowerCase() === 'downstream'),
  ];
  const toxicJson = (toxic: ProxyToxic) => ({ attributes: toxic.attributes, name: toxic.name, type: toxic.type, stream: toxic.stream, toxicity: toxic.toxicity });
  const proxyJson = (proxy: DoubleProxy) => ({
    name: proxy.name,
    listen: `127.0.0.1:${proxy.tcp.port}`,
    upstream: proxy.upstream,
    enabled: proxy.enabled,
    Logger: {},
    toxics: ordered(proxy).map(toxicJson),
  });
  const sync = (proxy: DoubleProxy) => proxy.tcp.setToxics(ordered(proxy));
  const getProxy = (name: string) => {
    const proxy = proxies.get(name);
    if (!proxy) throw proxyNotFound();
    return proxy;
  };
  const setEnabled = async (proxy: DoubleProxy, enabled: boolean) => {
    if (proxy.enabled === enabled) return;
    proxy.enabled = enabled;
    await proxy.tcp.setEnabled(enabled);
  };

  type Handler = (body: () => unknown, vars: Record<string, string>) => Promise<[number, unknown?]>;
  const routes: Array<{ pattern: RegExp; keys: string[]; methods: Record<string, Handler> }> = [];
  const route = (template: string, methods: Record<string, Handler>) => {
    const keys: string[] = [];
    const pattern = new RegExp(`^${template.replace(/\{(\w+)\}/g, (_, key: string) => (keys.push(key), '([^/]+)'))}$`);
    routes.push({ pattern, keys, methods });
  };

  route('/reset', {
    POST: async () => {
      for (const proxy of proxies.values()) {
        await setEnabled(proxy, true);
        proxy.toxics = [];
        sync(proxy);
      }
      return [204];
    },
  });
  route('/proxies', {
    GET: async () => [200, Object.fromEntries([...proxies.values()].map((proxy) => [proxy.name, proxyJson(proxy)]))],
    POST: async (body) => {
      const input = { enabled: true, ...(asObject(body()) as { name?: string; upstream?: string; enabled?: boolean }) };
      if (!input.name) throw new ApiError(400, 'missing required field: name');
      if (!input.upstream) throw new ApiError(400, 'missing required field: upstream');
      if (proxies.has(input.name)) throw new ApiError(409, 'proxy already exists');
      return [201, proxyJson(await createProxy(input.name, input.upstream, input.enabled))];
    },
  });
  const updateProxy: Handler = async (body, { proxy: name }) => {
    const proxy = getProxy(name!);
    const input = { enabled: proxy.enabled, ...(asObject(body()) as { enabled?: boolean }) };
    await setEnabled(proxy, Boolean(input.enabled));
    return [200, proxyJson(proxy)];
  };
  route('/proxies/{proxy}', {
    GET: async (_, { proxy }) => [200, proxyJson(getProxy(proxy!))],
    POST: updateProxy,
    PATCH: updateProxy,
    DELETE: async (_, { proxy: name }) => {
      const proxy = getProxy(name!);
      await proxy.tcp.close();
      proxies.delete(name!);
      return [204];
    },
  });
  route('/proxies/{proxy}/toxics', {
    GET: async (_, { proxy }) => [200, ordered(getProxy(proxy!)).map(toxicJson)],
    POST: async (body, { proxy: name }) => {
      const proxy = getProxy(name!);
      const input = { stream: 'downstream', toxicity: 1, ...(asObject(body()) as Partial<Record<keyof ProxyToxic, unknown>>) };
      const stream = String(input.stream);
      if (!['upstream', 'downstream'].includes(stream.toLowerCase())) throw new ApiError(400, 'stream was invalid, can be either upstream or downstream');
      const type = String(input.type ?? '');
      const toxicName = input.name ? String(input.name) : `${type}_${stream}`;
      if (!(type in toxicTypes)) throw new ApiError(400, 'invalid toxic type');
      if (proxy.toxics.some((toxic) => toxic.name === toxicName)) throw new ApiError(409, 'toxic already exists');
      const attributes = decodeAttributes(type, Object.fromEntries(toxicTypes[type]!.map((key) => [key, 0])), input.attributes);
      const toxic: ProxyToxic = { name: toxicName, type, stream, toxicity: float32(input.toxicity), attributes };
      proxy.toxics.push(toxic);
      sync(proxy);
      return [200, toxicJson(toxic)];
    },
  });
  const updateToxic: Handler = async (body, { proxy: name, toxic: toxicName }) => {
    const proxy = getProxy(name!);
    const index = proxy.toxics.findIndex((toxic) => toxic.name === toxicName);
    if (index < 0) throw toxicNotFound();
    const current = proxy.toxics[index]!;
    const input = { toxicity: current.toxicity, ...(asObject(body()) as { attributes?: unknown; toxicity?: unknown }) };
    const updated: ProxyToxic = { ...current, attributes: decodeAttributes(current.type, current.attributes, input.attributes), toxicity: float32(input.toxicity) };
    proxy.toxics[index] = updated;
    sync(proxy);
    return [200, toxicJson(updated)];
  };
  route('/proxies/{proxy}/toxics/{toxic}', {
    GET: async (_, { proxy: name, toxic: toxicName }) => {
      const toxic = getProxy(name!).toxics.find((candidate) => candidate.name === toxicName);
      if (!toxic) throw toxicNotFound();
      return [200, toxicJson(toxic)];
    },
    POST: updateToxic,
    PATCH: updateToxic,
    DELETE: async (_, { proxy: name, toxic: toxicName }) => {
      const proxy = getProxy(name!);
      if (!proxy.toxics.some((toxic) => toxic.name === toxicName)) throw toxicNotFound();
      proxy.toxics = proxy.toxics.filter((toxic) => toxic.name !== toxicName);
      sync(proxy);
      return [204];
    },
  });
  route('/version', { GET: async () => [200, { version: doubledToxiproxyVersion }] });

  async function handle(request: IncomingMessage, response: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const path = new URL(request.url ?? '/', 'http://toxiproxy').pathname;
    const method = request.method ?? 'GET';
    const send = (status: number, contentType?: string, body = '') => {
      requests.push({ method, path, status });
      response.writeHead(status, contentType ? { 'content-type': contentType } : {}).end(body);
    };
    if ((request.headers['user-agent'] ?? '').startsWith('Mozilla/')) return send(403, 'text/plain; charset=utf-8', 'User agent not allowed\n');
    const matched = routes.map((candidate) => ({ candidate, match: candidate.pattern.exec(path) })).find(({ match }) => match);
    if (!matched) return send(404, 'text/plain; charset=utf-8', '404 page not found\n');
    const handler = matched.candidate.methods[method];
    if (!handler) return send(405);
    const vars = Object.fromEntries(matched.candidate.keys.map((key, i) => [key, decodeURIComponent(matched.match![i + 1]!)]));
    const body = () => {
      // json.Decoder.Decode on an empty body is io.EOF; on bad JSON, a syntax error.
      if (text.trim() === '') throw badBody('EOF');
      try {
        return JSON.parse(text) as unknown;
      } catch (error) {
        throw badBody((error as Error).message);
      }
    };
    try {
      const [status, json] = await handler(body, vars);
      send(status, json === undefined ? undefined : 'application/json', json === undefined ? '' : JSON.stringify(json));
    } catch (error) {
      const { status, message } = error instanceof ApiError ? error : { status: 500, message: String(error) };
      send(status, 'text/plain; charset=utf-8', `${JSON.stringify({ error: message, status })}\n`);
    }
  }

  let api: Server | undefined;
  let apiPort = 0;
  const startApi = async () => {
    api = createServer((request, response) => void handle(request, response));
    await new Promise<void>((resolve) => api!.listen(apiPort, '127.0.0.1', resolve));
    apiPort = (api.address() as { port: number }).port;
  };
  const stopApi = async () => {
    const closing = api;
    api = undefined;
    if (!closing) return;
    closing.closeAllConnections();
    await new Promise<void>((resolve) => closing.close(() => resolve()));
  };
  const closeProxies = async () => {
    await Promise.all([...proxies.values()].map((proxy) => proxy.tcp.close()));
    proxies.clear();
  };
  await startApi();

  return {
    url: `http://127.0.0.1:${apiPort}`,
    proxy(name) {
      const proxy = proxies.get(name);
      if (!proxy) throw new Error(`no proxy ${name}`);
      return proxy.tcp;
    },
    requests,
    stopApi,
    async restart() {
      const ports = new Map([...proxies.values()].map((proxy) => [proxy.name, proxy.tcp.port]));
      await stopApi();
      await closeProxies();
      await populate(ports);
      await startApi();
    },
    async close() {
      await stopApi();
      await closeProxies();
    },
  };
}

function asObject(value: unknown): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw badBody(`json: cannot unmarshal ${Array.isArray(value) ? 'array' : typeof value} into Go value of type struct`);
  }
  return value as Record<string, unknown>;
}

/** encoding/json onto a Go struct of int fields: unknown keys ignored, only integral numbers accepted. */
function decodeAttributes(type: string, current: Readonly<Record<string, number>>, input: unknown): Record<string, number> {
  const result = { ...current };
  if (input === undefined || input === null) return result;
  const fields = asObject(input);
  for (const key of toxicTypes[type]!) {
    if (!(key in fields)) continue;
    const value = fields[key];
    if (typeof value !== 'number' || !Number.isInteger(value)) {
      throw badBody(`json: cannot unmarshal ${typeof value === 'number' ? `number ${value}` : typeof value} into Go struct field .attributes.${key} of type int64`);
    }
    result[key] = value;
  }
  return result;
}

/** toxicity is a float32: stored at that precision and printed with the fewest digits that round-trip (encoding/json). */
function float32(value: unknown): number {
  if (typeof value !== 'number') throw badBody(`json: cannot unmarshal ${typeof value} into Go struct field .toxicity of type float32`);
  const stored = Math.fround(value);
  for (let digits = 1; digits < 9; digits++) {
    const printed = Number(stored.toPrecision(digits));
    if (Math.fround(printed) === stored) return printed;
  }
  return Number(stored.toPrecision(9));
}

function splitHostPort(address: string): [string, number] {
  const at = address.lastIndexOf(':');
  return [address.slice(0, at).replace(/^\[|\]$/g, '') || '127.0.0.1', Number(address.slice(at + 1))];
}
