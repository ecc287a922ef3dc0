import { Server as NetServer } from 'node:net';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';

export interface ClosingConnections {
  /**
   * From now on every response is the last on its connection: it says `Connection: close`, Node refuses
   * (503, unprocessed) any further request on that connection, and Node closes it once the response is written
   * (`destroySoon`: the end of the stream, then the socket). No lingering close (RFC 9112 §9.6) is done: Node's
   * own close runs first on the response's finish, so a socket kept readable afterwards was already gone.
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
  server.prependListener('request', (_request: IncomingMessage, response: ServerResponse) => {
    inFlight.add(response);
    response.once('close', () => inFlight.delete(response));
  });
  let listening: Promise<void> | undefined;
  return {
    closeAfterEachResponse() {
      if (closing) return;
      closing = true;
      // Node's own "last request on this connection": Connection: close, then Node closes the connection. Node
      // counts requests per socket only while this is above 0, so each open connection gets one more answer.
      server.maxRequestsPerSocket = 1;
      // Requests taken before shutdown and not yet answered: their answers say Connection: close too, and Node
      // closes those connections itself once the end of the stream is written; their
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
