/**
 * The part of Toxiproxy's HTTP API (v2.12.0, api.go) the controller uses. Shapes as the server marshals them:
 * a proxy is {name, listen, upstream, enabled, toxics}, a toxic {attributes, name, type, stream, toxicity}.
 */
export interface ToxiproxyToxic {
  readonly name: string;
  readonly type: string;
  readonly stream: string;
  readonly toxicity: number;
  readonly attributes: Readonly<Record<string, number>>;
}

export interface ToxiproxyProxy {
  readonly name: string;
  readonly listen: string;
  readonly upstream: string;
  readonly enabled: boolean;
  readonly toxics: readonly ToxiproxyToxic[];
}

/** Toxiproxy answered with an error status; `message` is its `{"error": ...}` text when it sent one. */
export class ToxiproxyApiError extends Error {
  override readonly name = 'ToxiproxyApiError';
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    message: string,
  ) {
    super(`${method} ${path}: ${status} ${message}`);
  }
}

export interface ToxiproxyApi {
  /** GET /proxies: every proxy with its toxics, keyed by name. */
  proxies(): Promise<Record<string, ToxiproxyProxy>>;
  /** PATCH /proxies/{proxy} with only `enabled`: listen and upstream keep their values (ProxyUpdate). */
  setEnabled(proxy: string, enabled: boolean): Promise<void>;
  /** POST /proxies/{proxy}/toxics (answers 200, not 201). */
  addToxic(proxy: string, toxic: ToxiproxyToxic): Promise<void>;
  /** PATCH /proxies/{proxy}/toxics/{toxic}: only attributes and toxicity can change; type and stream cannot. */
  updateToxic(proxy: string, name: string, change: Pick<ToxiproxyToxic, 'attributes' | 'toxicity'>): Promise<void>;
  /** DELETE /proxies/{proxy}/toxics/{toxic} (204). */
  removeToxic(proxy: string, name: string): Promise<void>;
}

/**
 * Toxiproxy did not answer in time: the client gave up, or Toxiproxy did (its own limit, api.go
 * timeoutMiddleware: http.TimeoutHandler answers 503 with an empty body after 25 s). Either way a change it
 * was sent may still be applied: Go goes on with the handler after the client or the limit gave up. (Toxiproxy
 * answers 503 nowhere else; the limit's answer is net/http's default "Timeout" page.)
 */
export class ToxiproxyApiTimeout extends Error {
  override readonly name = 'ToxiproxyApiTimeout';
  constructor(
    readonly method: string,
    readonly path: string,
    readonly afterMs: number,
    readonly by: 'client' | 'toxiproxy',
  ) {
    super(`${method} ${path}: no answer within ${afterMs} ms${by === 'toxiproxy' ? " (Toxiproxy's own 25 s limit)" : ''}`);
  }
}

export interface ToxiproxyApiTimeouts {
  /** GET /proxies: takes milliseconds when the API is free; longer is Toxiproxy gone, or busy (below). */
  readonly listMs: number;
  /**
   * A change: it waits for every open connection of the proxy to take the toxic in, and a connection in a
   * reset_peer countdown takes nothing until the countdown ends (toxics/reset_peer.go sleeps without reading
   * its interrupt; toxic_collection.go holds the proxy's toxic lock meanwhile, which GET /proxies needs too).
   * Past Toxiproxy's own 25 s limit, so a change that waits that long ends with Toxiproxy's answer.
   */
  readonly changeMs: number;
}

export const toxiproxyApiTimeouts: ToxiproxyApiTimeouts = { listMs: 3_000, changeMs: 30_000 };

/** Toxiproxy's own limit on a request (api.go timeoutMiddleware at v2.12.0: http.TimeoutHandler, 25 s). */
const toxiproxyHandlerLimitMs = 25_000;

export function toxiproxyApi(baseUrl: string, signal?: AbortSignal, timeouts: ToxiproxyApiTimeouts = toxiproxyApiTimeouts): ToxiproxyApi {
  async function call(method: string, path: string, body?: unknown): Promise<unknown> {
    const limitMs = method === 'GET' ? timeouts.listMs : timeouts.changeMs;
    const timeout = AbortSignal.timeout(limitMs);
    let response: Response;
    let text: string;
    try {
      response = await fetch(`${baseUrl}${path}`, {
        method,
        // Toxiproxy refuses user agents starting with "Mozilla/" (api.go stopBrowsersMiddleware).
        headers: { 'user-agent': 'lab-fault-controller', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
      text = await response.text();
    } catch (error) {
      if (timeout.aborted && !signal?.aborted) throw new ToxiproxyApiTimeout(method, path, limitMs, 'client');
      throw error;
    }
    if (response.status === 503) throw new ToxiproxyApiTimeout(method, path, toxiproxyHandlerLimitMs, 'toxiproxy');
    if (!response.ok) throw new ToxiproxyApiError(method, path, response.status, errorMessage(text));
    return text === '' ? undefined : (JSON.parse(text) as unknown);
  }
  const proxyPath = (proxy: string) => `/proxies/${encodeURIComponent(proxy)}`;
  const toxicPath = (proxy: string, toxic: string) => `${proxyPath(proxy)}/toxics/${encodeURIComponent(toxic)}`;
  return {
    proxies: async () => (await call('GET', '/proxies')) as Record<string, ToxiproxyProxy>,
    setEnabled: async (proxy, enabled) => void (await call('PATCH', proxyPath(proxy), { enabled })),
    addToxic: async (proxy, toxic) => void (await call('POST', `${proxyPath(proxy)}/toxics`, toxic)),
    updateToxic: async (proxy, name, change) => void (await call('PATCH', toxicPath(proxy, name), change)),
    removeToxic: async (proxy, name) => void (await call('DELETE', toxicPath(proxy, name))),
  };
}

/** Error bodies are `{"error": "...", "status": n}` followed by a newline (Go's http.Error); anything else is kept as text. */
function errorMessage(text: string): string {
  try {
    const parsed = JSON.parse(text) as { error?: unknown };
    if (typeof parsed.error === 'string') return parsed.error;
  } catch {
    // not JSON: a 404/405 from the router, or a proxy in between
  }
  return text.trim().slice(0, 200);
}
