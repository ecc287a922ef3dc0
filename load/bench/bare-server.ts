/**
 * The ceiling: a bare node:http handler answering every benchmarked route with a canned JSON body of the same
 * shape, no framework, no database, no telemetry. Run as its own process (Node strips the types itself).
 */
import { createServer } from 'node:http';

const item = JSON.stringify({ id: 1, name: 'bench item', priceCents: 100, stock: 1000, createdAt: '2026-01-01T00:00:00Z', updatedAt: '2026-01-01T00:00:00Z' });
const page = JSON.stringify({ items: Array.from({ length: 20 }, () => JSON.parse(item)), nextCursor: 'x' });

const server = createServer((request, response) => {
  request.resume();
  request.on('end', () => {
    const isList = request.url?.startsWith('/api/items?') ?? false;
    const status = request.method === 'POST' ? 201 : 200;
    response.writeHead(status, { 'content-type': 'application/json' }).end(isList ? page : item);
  });
});

server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`${JSON.stringify({ listening: typeof address === 'object' && address ? address.port : null })}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
