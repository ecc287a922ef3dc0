/**
 * The ceiling: a bare node:http handler, no framework, no validation, no telemetry. The cached read does the
 * service's own work, a Redis GET of the item's entry, `JSON.parse` and `JSON.stringify`, so the gap between
 * it and telemetry-off is the framework's share; the other routes answer a canned JSON body of the same shape
 * (their work is Postgres, which this ceiling does not try to match). Run as its own process (Node strips the
 * types itself); REDIS_URL is the benchmark's Redis, whose entries the benchmark warms before measuring.
 */
import { createServer, type ServerResponse } from 'node:http';
import Redis from 'ioredis';

const item = JSON.stringify({ id: 1, name: 'bench item', priceCents: 100, stock: 1000, createdAt: '2026-01-01T00:00:00Z', updatedAt: '2026-01-01T00:00:00Z' });
const page = JSON.stringify({ items: Array.from({ length: 20 }, () => JSON.parse(item)), nextCursor: 'x' });
const itemPath = /^\/api\/items\/(\d+)$/;

const redisUrl = process.env.REDIS_URL;
if (!redisUrl) throw new Error('REDIS_URL is required: the bare cached read reads the same Redis as the service');
// The service's client settings that matter on a hit: no offline queue, no retries per request.
const redis = new Redis(redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 0 });

function answer(response: ServerResponse, status: number, body: string): void {
  response.writeHead(status, { 'content-type': 'application/json' }).end(body);
}

async function cachedRead(id: string, response: ServerResponse): Promise<void> {
  const cached = await redis.get(`item:${id}`);
  // A miss is answered 404 so the benchmark counts it as a failed request instead of a fast canned answer.
  if (cached === null) answer(response, 404, '{"error":"not cached"}');
  else answer(response, 200, JSON.stringify(JSON.parse(cached)));
}

const server = createServer((request, response) => {
  request.resume();
  request.on('end', () => {
    const id = request.method === 'GET' ? itemPath.exec(request.url ?? '')?.[1] : undefined;
    if (id !== undefined) {
      cachedRead(id, response).catch(() => answer(response, 503, '{"error":"redis"}'));
      return;
    }
    const isList = request.url?.startsWith('/api/items?') ?? false;
    answer(response, request.method === 'POST' ? 201 : 200, isList ? page : item);
  });
});

redis.once('ready', () =>
  server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
    const address = server.address();
    process.stdout.write(`${JSON.stringify({ listening: typeof address === 'object' && address ? address.port : null })}\n`);
  }),
);
process.on('SIGTERM', () => {
  redis.disconnect();
  server.close(() => process.exit(0));
});
