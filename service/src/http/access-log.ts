import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import type { Logger } from '../logger';

/** One line per request, written inside the request span so it carries trace_id and span_id. */
export function accessLog(logger: Logger): MiddlewareHandler {
  return async (c, next) => {
    const started = performance.now();
    await next();
    const status = c.res.status;
    const line = {
      'http.request.method': c.req.method,
      'url.path': c.req.path,
      'http.route': routePath(c),
      'http.response.status_code': status,
      duration_ms: Math.round((performance.now() - started) * 100) / 100,
    };
    if (status >= 500) logger.error(line, 'request failed');
    else logger.info(line, 'request');
  };
}
