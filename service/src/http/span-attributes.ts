import { trace } from '@opentelemetry/api';
import type { MiddlewareHandler } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';

/**
 * Adds the request attributes @hono/otel leaves out and a person debugging wants on the server span:
 * path, scheme, peer, user agent, and the replica (server.address) that handled it.
 */
export function serverSpanAttributes(): MiddlewareHandler {
  return async (c, next) => {
    const span = trace.getActiveSpan();
    if (span?.isRecording()) {
      const url = new URL(c.req.url);
      span.setAttributes({
        'url.path': url.pathname,
        'url.scheme': url.protocol.replace(':', ''),
        'server.address': url.hostname,
        'user_agent.original': c.req.header('user-agent'),
        'network.peer.address': safeRemoteAddress(c),
      });
    }
    await next();
  };
}

function safeRemoteAddress(c: Parameters<MiddlewareHandler>[0]): string | undefined {
  try {
    return getConnInfo(c).remote.address;
  } catch {
    return undefined;
  }
}
