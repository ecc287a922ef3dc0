import { OpenAPIHono } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import type Redis from 'ioredis';
import type { Database } from './db/client';
import type { ItemService } from './domain/items';
import type { OrderService } from './domain/orders';
import type { FaultFlags } from './faults/fault-flags';
import { routeFaults } from './faults/route-faults';
import { accessLog } from './http/access-log';
import { allowedMethods } from './http/allowed-methods';
import { errorBody } from './http/errors';
import { errorHandler, notFoundHandler } from './http/error-handler';
import { serveApiDocument } from './http/api-document';
import { serverTelemetry } from './http/server-telemetry';
import type { Logger } from './logger';
import { healthRoutes } from './routes/health';
import { itemRoutes } from './routes/items';
import { orderRoutes } from './routes/orders';
import { simulateRoutes } from './routes/simulate';
import type { HeavyTaskQueue } from './tasks/heavy-task-queue';

export interface AppDependencies {
  readonly db: Database;
  readonly redis: Redis;
  readonly logger: Logger;
  readonly items: ItemService;
  readonly orders: OrderService;
  readonly tasks: HeavyTaskQueue;
  readonly isShuttingDown: () => boolean;
  /** Connections in the Postgres pool: a quarter of them at most serve /simulate/slow-query. */
  readonly dbPoolMax: number;
  /** The trace sampler follows an unsampled remote parent (see telemetry/sampling.ts). */
  readonly dropsUnsampledRemoteParents: boolean;
  /** The failure lab's flags; without a flag provider (`enabled` false) no fault middleware is mounted. */
  readonly faultFlags?: FaultFlags;
}

export const maxBodyBytes = 64 * 1024;

export function createApp(deps: AppDependencies) {
  const app = new OpenAPIHono();
  app.onError(errorHandler(deps.logger));
  // Health probes come every few seconds from Traefik and Docker for every replica: mounted ahead of the
  // telemetry middleware, they answer without a trace, an access line or a sample in the request metrics.
  app.route('/health', healthRoutes(deps));

  // The SERVER span and http.server.request.duration (by route) come from serverTelemetry; Node's http
  // instrumentation is not loaded, so there is exactly one span and one duration series per request.
  app.use(serverTelemetry({ dropsUnsampledRemoteParents: deps.dropsUnsampledRemoteParents }));
  app.use(accessLog(deps.logger));
  // Bodies are buffered to parse them: without a cap one request could exhaust the heap. The limiter reads
  // `c.req.raw.body`, which makes @hono/node-server build a full WHATWG Request from Node's; no route reads
  // the body of a GET or HEAD, so those skip it: the cached read went from 137 to 87 µs of CPU (A/B).
  // The rest of a refused body is never read, and the socket cannot carry another request after it: the 413
  // says Connection: close, so a keep-alive client opens a new connection instead of meeting a reset.
  const limitBody = bodyLimit({
    maxSize: maxBodyBytes,
    onError: (c) => {
      c.header('Connection', 'close');
      return c.json(errorBody('payload_too_large', `request body exceeds ${maxBodyBytes} bytes`), 413);
    },
  });
  app.use((c, next) => (c.req.method === 'GET' || c.req.method === 'HEAD' ? next() : limitBody(c, next)));
  // The API's own description, generated from the schemas the routes below validate with: ahead of the fault
  // middleware, as it describes the shop rather than being part of it, so the failure lab never breaks it.
  serveApiDocument(app);
  // Inside the SERVER span (an injected 500 is traced and counted like any other) and ahead of every route
  // but the health probes, so a fault never takes the replica out of the load balancer.
  if (deps.faultFlags?.enabled) app.use(routeFaults(deps.faultFlags));

  app.route('/api/items', itemRoutes(deps.items));
  app.route('/api/orders', orderRoutes(deps.orders));
  app.route('/simulate', simulateRoutes(deps.db, deps.tasks, Math.max(1, Math.floor(deps.dbPoolMax / 4))));
  // Last, so it sees every route: a known path called with another method is a 405, not a 404.
  app.notFound(notFoundHandler(allowedMethods(app.routes)));
  return app;
}
