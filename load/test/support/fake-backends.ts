/**
 * Stand-ins for Traefik, Tempo, Loki and Prometheus, answering from what the service really exported to the
 * OTLP receiver. They implement only the API surface the smoke test uses, with the same paths, parameters and
 * answer shapes as the real ones, so the smoke logic is exercised against real telemetry.
 */
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { OtlpReceiver } from '@lab/service/testing';

export interface Listening {
  readonly url: string;
  close(): Promise<void>;
}

async function listen(server: Server): Promise<Listening> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address !== 'object') throw new Error('no address');
  return { url: `http://127.0.0.1:${address.port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** Routes on the Host header like Traefik's Host() rule: any other host gets Traefik's 404. */
export function startHostRouter(host: string, upstream: string): Promise<Listening> {
  const target = new URL(upstream);
  return listen(
    createServer((req, res) => {
      if (req.headers.host !== host) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('404 page not found');
        return;
      }
      const proxied = httpRequest(
        { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
        (upstreamRes) => {
          res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
          upstreamRes.pipe(res);
        },
      );
      proxied.on('error', () => res.writeHead(502).end());
      req.pipe(proxied);
    }),
  );
}

export interface BackendFaults {
  /** Signals the fake backends pretend never arrived. */
  readonly hide: ReadonlySet<'traces' | 'logs' | 'metrics'>;
}

export function startTelemetryBackends(receiver: OtlpReceiver, serviceName: string, faults: BackendFaults): Promise<Listening> {
  return listen(
    createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://backend');
      const json = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      const trace = /^\/api\/traces\/([0-9a-f]{32})$/.exec(url.pathname);
      if (trace) {
        const spans = faults.hide.has('traces') ? [] : receiver.trace(trace[1]!);
        if (spans.length === 0) return res.writeHead(404).end('trace not found');
        const resource = { attributes: [{ key: 'service.name', value: { stringValue: String(spans[0]!.resource['service.name']) } }] };
        return json(200, { batches: [{ resource, scopeSpans: [{ spans: spans.map((s) => ({ name: s.name, spanId: s.spanId })) }] }] });
      }
      if (url.pathname === '/loki/api/v1/query_range') {
        const query = url.searchParams.get('query') ?? '';
        const start = url.searchParams.get('start');
        if (!query.startsWith(`{service_name="${serviceName}"}`) || !start || !/^\d{19}$/.test(start)) return json(400, { message: 'bad query' });
        const ids = new Set([...query.matchAll(/[0-9a-f]{32}/g)].map((m) => m[0]));
        const lines = faults.hide.has('logs') ? [] : receiver.logs.filter((l) => ids.has(l.traceId));
        const result = lines.length === 0 ? [] : [{ stream: { service_name: serviceName }, values: lines.map((l) => ['0', JSON.stringify(l.body)]) }];
        return json(200, { status: 'success', data: { resultType: 'streams', result } });
      }
      if (url.pathname === '/api/v1/query') {
        const query = url.searchParams.get('query') ?? '';
        const route = /http_route="([^"]+)"/.exec(query)?.[1];
        if (!query.includes('http_server_request_duration_seconds_count') || !route) return json(400, { status: 'error', error: 'unexpected query' });
        // Cumulative temporality: the latest export of the histogram holds the running count.
        const latest = [...receiver.metrics].reverse().find((m) => m.name === 'http.server.request.duration');
        const count = latest?.dataPoints.filter((p) => p.attributes['http.route'] === route).reduce((sum, p) => sum + (p.count ?? 0), 0) ?? 0;
        const result = faults.hide.has('metrics') || count === 0 ? [] : [{ metric: {}, value: [Date.now() / 1000, String(count)] }];
        return json(200, { status: 'success', data: { resultType: 'vector', result } });
      }
      res.writeHead(404).end();
    }),
  );
}
