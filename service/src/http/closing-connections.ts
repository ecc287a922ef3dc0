import { Server as NetServer, type Socket } from 'node:net';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';

/**
 * How long a connection the server closes stays readable after its half-close: the client reads the last
 * response, sees the end of the stream and closes its side, usually within a round trip.
 */
const lingerMs = 2_000;

/**
 * RFC 9112 §9.6 close in stages: the write side first, so the last response is followed by the end of the
 * stream, then keep reading (the parser discards what arrives) until the client closes its side or the linger
 * ends. Closing both sides at once resets the connection if anything arrives after, and a reset can take the
 * unread last response with it on the client's side.
 */
function lingeringClose(socket: Socket): void {
  if (socket.destroyed) return;
  socket.end();
  const linger = setTimeout(() => socket.destroy(), lingerMs);
  socket.once('close', () => clearTimeout(linger));
}

export interface ClosingConnections {
  /**
   * From now on every response is the last on its connection: it says `Connection: close`, Node refuses
   * (503, unprocessed) any further request on that connection, and the server half-closes it after the
   * response.
   */
  closeAfterEachResponse(): void;
  /**
   * Stops accepting connections, and closes none: an idle keep-alive connection may be carrying a request
   * this very moment. Each ends when its client closes it, after the response to its next request, or at the
   * server's keep-alive timeout. Resolves when every connection has closed.
   */
  stopListening(): Promise<void>;
  /** Requests received and not yet answered. */
  requestsInFlight(): number;
  /**
   * The end of the drain: closes the connections still open. Idle ones are those of clients that kept a
   * connection past the keep-alive time they were told; connections with a request in flight are cut off.
   */
  closeRemaining(): void;
}

export function closingConnections(server: Server): ClosingConnections {
  const inFlight = new Set<ServerResponse>();
  let closing = false;
  server.prependListener('request', (request: IncomingMessage, response: ServerResponse) => {
    inFlight.add(response);
    response.once('close', () => inFlight.delete(response));
    // Node detaches the socket from the response when it finishes: keep it from the request.
    if (closing) response.once('finish', () => lingeringClose(request.socket));
  });
  let listening: Promise<void> | undefined;
  return {
    closeAfterEachResponse() {
      if (closing) return;
      closing = true;
      // Node's own "last request on this connection": Connection: close, the connection left to us to close.
      server.maxRequestsPerSocket = 1;
      // Requests taken before shutdown and not yet answered: their answers say Connection: close too, and Node
      // closes those connections itself (half-close, then close once the end of the stream is written); their
      // handlers already hold the request, and a client that honours the header sends nothing after it.
      for (const response of inFlight) if (!response.headersSent) response.shouldKeepAlive = false;
    },
    stopListening() {
      // http.Server#close() would also close every idle connection at once (closeIdleConnections), racing a
      // request already on its way on one of them; net.Server#close() only stops accepting.
      listening ??= new Promise<void>((resolve) => NetServer.prototype.close.call(server, () => resolve()));
      return listening;
    },
    requestsInFlight: () => inFlight.size,
    closeRemaining() {
      server.closeIdleConnections();
      if (inFlight.size > 0) server.closeAllConnections();
    },
  };
}
