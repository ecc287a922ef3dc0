import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/** What the collector does with an export: take it, hold it forever, or not be there at all. */
export type CollectorCondition = 'healthy' | 'black-hole' | 'unreachable';

/**
 * An OTLP/HTTP collector stand-in on a fixed loopback port whose condition the campaign switches: healthy
 * (200 with an empty body, an empty Export*ServiceResponse in protobuf, without decoding: the campaign
 * measures the service, not a receiver sharing its two cores), black-hole (reads the export, never answers),
 * unreachable (the port is closed: every connection is refused). Back to healthy, it listens again on the
 * same port, so the replica's exporter reconnects as it would to a restarted collector.
 */
export class Collector {
  #condition: CollectorCondition = 'healthy';
  readonly #sockets = new Set<Socket>();
  readonly #server = createServer((request: IncomingMessage, response: ServerResponse) => {
    request.resume();
    request.on('end', () => {
      if (this.#condition === 'healthy') response.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  #port = 0;

  private constructor() {
    this.#server.on('connection', (socket: Socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
    });
  }

  static async start(): Promise<Collector> {
    const collector = new Collector();
    await collector.#listen(0);
    return collector;
  }

  get endpoint(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  async set(condition: CollectorCondition): Promise<void> {
    if (condition === this.#condition) return;
    const wasListening = this.#condition !== 'unreachable';
    this.#condition = condition;
    if (condition === 'unreachable') await this.#close();
    else if (!wasListening) await this.#listen(this.#port);
  }

  async stop(): Promise<void> {
    if (this.#condition !== 'unreachable') await this.#close();
    this.#condition = 'unreachable';
  }

  async #listen(port: number): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(port, '127.0.0.1', () => {
        this.#server.off('error', reject);
        resolve();
      });
    });
    const address = this.#server.address();
    if (!address || typeof address !== 'object') throw new Error('collector stand-in did not bind');
    this.#port = address.port;
  }

  async #close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    for (const socket of this.#sockets) socket.destroy();
    await closed;
  }
}
