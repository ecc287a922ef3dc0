import { createServer as createHttpServer, type IncomingMessage, type RequestListener, type Server, type ServerOptions, type ServerResponse } from 'node:http';
import { Server as NetServer, type Socket } from 'node:net';

/**
 * How long a connection the server ends after its last answer keeps reading before it is dropped: time for a
 * client on the same host or network to read the answer and close its side; short against a drain share.
 */
export const lingerMs = 2_000;

export interface ClosingConnections {
  /** For `serve({ createServer })`: the HTTP server whose connections this closes. */
  readonly createServer: typeof createHttpServer;
  /**
   * From now on every answer is the last on its connection (it says `Connection: close`), and the connection
   * is then closed as RFC 9112 §9.6 asks: half-closed, read until the client closes its side or `lingerMs`
   * passes, then closed. A request that still arrives on it is read and dropped, not processed.
   */
  closeAfterEachResponse(): void;
  /**
   * Stops accepting connections, and closes none: an idle keep-alive connection may be carrying a request
   * this very moment. Each ends after the answer to its next request, when its client closes it, or at the
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

/**
 * The HTTP server's connections, closed without resetting a request. Node's own close after an answer saying
 * `Connection: close` (`socket.destroySoon()`, which the HTTP server calls when that answer finishes) closes the
 * socket outright: bytes the client sends afterwards (a request that crossed the answer on the wire) make the
 * kernel answer with a reset, which can take the unread answer down with it. And the request limit Node offers
 * for closing (`maxRequestsPerSocket`) announces `Connection: close` without closing at all, so the connection
 * stays open until the client or the keep-alive timeout ends it.
 */
export function closingConnections(linger = lingerMs): ClosingConnections {
  const inFlight = new Set<ServerResponse>();
  /**
   * Connections whose last answer is decided: no request after it is processed (a pipelining client may have
   * sent one already). Once that answer is written the connection lingers, then is gone.
   */
  const lastDecided = new WeakSet<Socket>();
  let closing = false;
  let server: Server | undefined;

  const markLast = (response: ServerResponse) => {
    response.shouldKeepAlive = false;
    lastDecided.add(response.req.socket);
  };

  const lingeringClose = (socket: Socket) => {
    lastDecided.add(socket);
    if (socket.destroyed || socket.writableEnded) return;
    // FIN once the answer has gone. The socket stays readable (the HTTP server's sockets allow half-open
    // connections), so the client's FIN, or the linger's end, is what closes it. The linger counts from the
    // moment the answer has been handed to the kernel, as Node's own close waits for it: a client still reading
    // a long answer is not cut off.
    socket.end();
    socket.once('finish', () => {
      const dropped = setTimeout(() => socket.destroy(), linger);
      dropped.unref();
      socket.once('close', () => clearTimeout(dropped));
    });
  };

  const gate = (app: RequestListener): RequestListener => (request: IncomingMessage, response: ServerResponse) => {
    if (lastDecided.has(request.socket)) {
      // RFC 9112 §9.6: no request after the answer that closes the connection is processed; its bytes are
      // read, so the client's FIN, not a reset, ends the connection.
      request.resume();
      return;
    }
    if (closing) markLast(response);
    inFlight.add(response);
    response.once('close', () => inFlight.delete(response));
    app(request, response);
  };

  const createServer = ((...args: [ServerOptions, RequestListener] | [RequestListener] | []) => {
    const [options, app] = typeof args[0] === 'function' ? [{}, args[0]] : [args[0] ?? {}, args[1]];
    if (app === undefined) throw new Error('closingConnections: createServer needs the request listener');
    const created = createHttpServer(options, gate(app));
    created.on('connection', (socket: Socket) => {
      // The HTTP server calls this when the answer marked as the connection's last has been written.
      socket.destroySoon = () => lingeringClose(socket);
    });
    server = created;
    return created;
  }) as typeof createHttpServer;

  const created = (): Server => {
    if (server === undefined) throw new Error('closingConnections: no server created yet (pass createServer to serve)');
    return server;
  };

  let listening: Promise<void> | undefined;
  return {
    createServer,
    closeAfterEachResponse() {
      if (closing) return;
      closing = true;
      // Requests taken before shutdown and not yet answered: the newest on each connection (a pipelining client
      // may have several queued) gets the last answer, Connection: close; the ones before it are answered first.
      const newestPerConnection = new Map<Socket, ServerResponse>();
      for (const response of inFlight) newestPerConnection.set(response.req.socket, response);
      for (const response of newestPerConnection.values()) if (!response.headersSent) markLast(response);
    },
    stopListening() {
      // http.Server#close() would also close every idle connection at once (closeIdleConnections), racing a
      // request already on its way on one of them; net.Server#close() only stops accepting.
      listening ??= new Promise<void>((resolve) => NetServer.prototype.close.call(created(), () => resolve()));
      return listening;
    },
    requestsInFlight: () => inFlight.size,
    closeRemaining() {
      const live = created();
      live.closeIdleConnections();
      if (inFlight.size > 0) live.closeAllConnections();
    },
  };
}
