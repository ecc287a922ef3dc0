import { connect, createServer, type Socket } from 'node:net';

/**
 * A TCP proxy in front of Postgres that can lose a reply: armed with a byte pattern, it forwards the client's
 * bytes that contain it, lets the server act on them, then closes both sides without relaying the answer.
 * That is a commit that happened while its client never heard of it. Kept beside the real Toxiproxy because
 * Toxiproxy cannot do this: its toxics act on a whole stream from the moment they are added (toxics/*.go at
 * v2.12.0), never after a given statement, so no toxic lets one COMMIT through and loses only its answer.
 */
export interface CuttingProxy {
  /** postgres:// URL of the proxy for the database behind `targetUrl`. */
  readonly url: string;
  /** Resolves once a client->server chunk containing `pattern` was forwarded and the connection cut. */
  cutAfter(pattern: string, serverTimeMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startCuttingProxy(targetUrl: string): Promise<CuttingProxy> {
  const target = new URL(targetUrl);
  let armed: { pattern: Buffer; serverTimeMs: number; cut: () => void } | undefined;
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(Number(target.port), target.hostname);
    let cutting = false;
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => undefined);
    }
    client.on('data', (chunk: Buffer) => {
      upstream.write(chunk);
      if (armed && chunk.includes(armed.pattern)) {
        const { serverTimeMs, cut } = armed;
        armed = undefined;
        cutting = true;
        setTimeout(() => {
          upstream.destroy();
          client.destroy();
          cut();
        }, serverTimeMs);
      }
    });
    upstream.on('data', (chunk: Buffer) => {
      if (!cutting) client.write(chunk);
    });
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('proxy has no port');
  const url = new URL(targetUrl);
  url.port = String(address.port);
  return {
    url: url.toString(),
    cutAfter: (pattern, serverTimeMs = 200) =>
      new Promise<void>((resolve) => {
        armed = { pattern: Buffer.from(pattern), serverTimeMs, cut: resolve };
      }),
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
