import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy for tests with Toxiproxy's toxic semantics (read in Shopify/toxiproxy v2.12.0; file references
 * below), so the service can be tested against real Postgres and Redis through the faults the lab declares:
 *
 * - latency (toxics/latency.go): each chunk leaves `latency` ± `jitter` ms after it arrived, in order; a
 *   chunk that already waited behind an earlier one waits only the rest; removing the toxic lets every held
 *   chunk go at once (LatencyToxic.Pipe on interrupt, link.go RemoveToxic drains the stub's input).
 * - reset_peer (toxics/reset_peer.go, link.go SetLinger(0)): the first chunk on the stream is dropped and,
 *   `timeout` ms later, both sockets are closed with a TCP RST.
 * - timeout (toxics/timeout.go): data on the stream is dropped; with `timeout` > 0 the connection is closed
 *   (FIN) once no chunk came for that long (the timer restarts on each chunk); 0 holds it open. Removing the
 *   toxic closes the connections it held (TimeoutToxic.Cleanup closes the stub).
 * - down, i.e. the proxy disabled (proxy.go stop): the listener closes, so new connections are refused, and
 *   every open connection is closed.
 * Like Toxiproxy: toxics added or removed apply to open connections too (toxic_collection.go chainAddToxic),
 * an unreachable upstream closes the accepted client (proxy.go server), one side closing closes the other
 * (link.go write: dest.Close, no half-close), and `toxicity` is the chance a toxic applies to a connection.
 * Not reproduced: bandwidth, slicer, limit_data, slow_close, and the order of several toxics on one stream
 * (here timeout, then reset_peer, then latency decide, whatever the order they were added in).
 */
export interface ProxyToxic {
  readonly name: string;
  readonly type: string;
  readonly stream: string;
  readonly toxicity: number;
  readonly attributes: Readonly<Record<string, number>>;
}

export interface FaultProxy {
  /** The port it listens on (kept across disable/enable, as Toxiproxy keeps its listen address). */
  readonly port: number;
  /** `targetUrl` with host and port replaced by the proxy's. */
  urlFor(targetUrl: string): string;
  setToxics(toxics: readonly ProxyToxic[]): void;
  setEnabled(enabled: boolean): Promise<void>;
  readonly openConnections: number;
  close(): Promise<void>;
}

type Stream = 'upstream' | 'downstream';

interface Direction {
  readonly from: Socket;
  readonly to: Socket;
  /** When the last chunk queued behind latency leaves: later chunks never overtake it. */
  lastRelease: number;
  /** Chunks held by latency, in order. */
  readonly held: Array<{ readonly chunk: Buffer; readonly timer: NodeJS.Timeout }>;
  idleTimer?: NodeJS.Timeout;
  resetScheduled: boolean;
  sourceEnded: boolean;
}

interface Link {
  readonly client: Socket;
  readonly upstream: Socket;
  readonly directions: Record<Stream, Direction>;
  /** Per toxic name: whether the toxicity roll made it apply to this connection. */
  readonly rolls: Map<string, boolean>;
  closed: boolean;
}

export async function startFaultProxy(upstream: { host: string; port: number }, listenPort = 0): Promise<FaultProxy> {
  let toxics: readonly ProxyToxic[] = [];
  const links = new Set<Link>();
  let server: Server | undefined;
  let port = listenPort;

  const applies = (link: Link, toxic: ProxyToxic) => {
    let roll = link.rolls.get(toxic.name);
    if (roll === undefined) {
      roll = Math.random() < toxic.toxicity;
      link.rolls.set(toxic.name, roll);
    }
    return roll;
  };
  const active = (link: Link, stream: Stream, type: string) =>
    toxics.find((toxic) => toxic.type === type && toxic.stream.toLowerCase() === stream && applies(link, toxic));

  const closeLink = (link: Link, how: 'fin' | 'rst') => {
    if (link.closed) return;
    link.closed = true;
    for (const direction of Object.values(link.directions)) clearTimeout(direction.idleTimer);
    for (const socket of [link.client, link.upstream]) {
      if (how === 'rst' && !socket.destroyed && socket.readyState !== 'opening') socket.resetAndDestroy();
      else socket.end(() => socket.destroy());
    }
    // A peer that never reads would keep an ended socket open: it is gone a moment later either way.
    setTimeout(() => [link.client, link.upstream].forEach((socket) => socket.destroy()), 1_000).unref();
    links.delete(link);
  };

  const armIdleTimeout = (link: Link, stream: Stream) => {
    const direction = link.directions[stream];
    clearTimeout(direction.idleTimer);
    direction.idleTimer = undefined;
    const toxic = active(link, stream, 'timeout');
    const timeoutMs = toxic?.attributes.timeout ?? 0;
    if (toxic && timeoutMs > 0) direction.idleTimer = setTimeout(() => closeLink(link, 'fin'), timeoutMs);
  };

  const onChunk = (link: Link, stream: Stream, chunk: Buffer) => {
    if (link.closed) return;
    const direction = link.directions[stream];
    if (active(link, stream, 'timeout')) return armIdleTimeout(link, stream);
    const reset = active(link, stream, 'reset_peer');
    if (reset) {
      if (!direction.resetScheduled) {
        direction.resetScheduled = true;
        setTimeout(() => closeLink(link, 'rst'), reset.attributes.timeout ?? 0);
      }
      return;
    }
    const latency = active(link, stream, 'latency');
    let delay = 0;
    if (latency) {
      const jitter = latency.attributes.jitter ?? 0;
      delay = (latency.attributes.latency ?? 0) + (jitter > 0 ? Math.floor(Math.random() * 2 * jitter) - jitter : 0);
    }
    const now = performance.now();
    const release = Math.max(direction.lastRelease, now + delay);
    if (release <= now && direction.held.length === 0) {
      direction.to.write(chunk);
      return;
    }
    direction.lastRelease = release;
    const timer = setTimeout(() => {
      direction.held.shift();
      if (!link.closed) direction.to.write(chunk);
      if (direction.sourceEnded && direction.held.length === 0) closeLink(link, 'fin');
    }, release - now);
    direction.held.push({ chunk, timer });
  };

  /** A latency toxic removed lets what it held go at once (LatencyToxic.Pipe on interrupt, link.go RemoveToxic). */
  const releaseHeld = (link: Link, stream: Stream) => {
    const direction = link.directions[stream];
    direction.lastRelease = 0;
    for (const { chunk, timer } of direction.held.splice(0)) {
      clearTimeout(timer);
      if (!link.closed) direction.to.write(chunk);
    }
    if (direction.sourceEnded) closeLink(link, 'fin');
  };

  const accept = (client: Socket) => {
    const upstreamSocket = connect(upstream.port, upstream.host);
    const direction = (from: Socket, to: Socket): Direction => ({ from, to, lastRelease: 0, held: [], resetScheduled: false, sourceEnded: false });
    const link: Link = {
      client,
      upstream: upstreamSocket,
      directions: { upstream: direction(client, upstreamSocket), downstream: direction(upstreamSocket, client) },
      rolls: new Map(),
      closed: false,
    };
    links.add(link);
    for (const socket of [client, upstreamSocket]) {
      socket.on('error', () => closeLink(link, 'fin'));
      socket.on('close', () => closeLink(link, 'fin'));
    }
    // Toxiproxy dials the upstream after accepting: a refused dial closes the client (proxy.go server).
    for (const stream of ['upstream', 'downstream'] as const) {
      const { from } = link.directions[stream];
      from.on('data', (chunk: Buffer) => onChunk(link, stream, chunk));
      from.on('end', () => {
        link.directions[stream].sourceEnded = true;
        if (link.directions[stream].held.length === 0) closeLink(link, 'fin');
      });
      armIdleTimeout(link, stream);
    }
  };

  const listen = async () => {
    server = createServer({ noDelay: true }, accept);
    await new Promise<void>((resolve, reject) => {
      server!.once('error', reject);
      server!.listen(port, '127.0.0.1', () => resolve());
    });
    port = (server.address() as { port: number }).port;
  };
  const unlisten = async () => {
    const closing = server;
    server = undefined;
    if (closing) await new Promise<void>((resolve) => closing.close(() => resolve()));
  };
  await listen();

  return {
    get port() {
      return port;
    },
    urlFor(targetUrl) {
      const url = new URL(targetUrl);
      url.hostname = '127.0.0.1';
      url.port = String(port);
      return url.toString();
    },
    setToxics(next) {
      const previous = toxics;
      toxics = next.map((toxic) => ({ ...toxic, attributes: { ...toxic.attributes } }));
      for (const link of [...links]) {
        for (const removed of previous.filter((toxic) => !toxics.some((kept) => kept.name === toxic.name && kept.type === toxic.type))) {
          link.rolls.delete(removed.name);
          // TimeoutToxic.Cleanup closes the stub: the connections it held end with it.
          if (removed.type === 'timeout') closeLink(link, 'fin');
        }
        if (link.closed) continue;
        for (const stream of ['upstream', 'downstream'] as const) {
          if (!active(link, stream, 'latency')) releaseHeld(link, stream);
          armIdleTimeout(link, stream);
        }
      }
    },
    async setEnabled(enabled) {
      if (enabled && !server) await listen();
      if (!enabled && server) {
        const closing = unlisten();
        for (const link of [...links]) closeLink(link, 'fin');
        await closing;
      }
    },
    get openConnections() {
      return links.size;
    },
    async close() {
      const closing = unlisten();
      for (const link of [...links]) closeLink(link, 'fin');
      for (const link of [...links]) [link.client, link.upstream].forEach((socket) => socket.destroy());
      await closing;
    },
  };
}
