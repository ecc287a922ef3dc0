import type { Params } from 'k6/http';
import type { Env } from './params.ts';
import { routes, type RouteKey } from './routes.ts';

/** Where the service is and how Traefik recognises it. */
export interface Target {
  /** Base URL without a trailing slash, e.g. http://traefik:80. */
  readonly baseUrl: string;
  /** Host header Traefik's router rule matches on, e.g. shop.localhost. */
  readonly host: string;
}

export function targetFromEnv(env: Env): Target {
  const baseUrl = env.TARGET_URL;
  const host = env.HOST_HEADER;
  if (!baseUrl) throw new Error('TARGET_URL is not set: the k6 container must be told where the service is');
  if (!host) throw new Error('HOST_HEADER is not set: Traefik routes on the Host header, requests would 404');
  return { baseUrl: baseUrl.replace(/\/+$/, ''), host };
}

export interface RequestOptions {
  /** Extra headers, e.g. Idempotency-Key or traceparent. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Statuses that are a success for this call (default: k6's 200-399). */
  readonly expectedStatuses?: Params['responseCallback'];
  readonly timeout?: string;
  /** Extra metric tags, e.g. the retry strategy. */
  readonly tags?: Readonly<Record<string, string>>;
}

/**
 * Request params for one call to the service: always the Host header (Traefik 404s without it), a JSON
 * content type, and the route tags that per-route thresholds and dashboards group by.
 */
export function requestParams(target: Target, route: RouteKey, options: RequestOptions = {}): Params {
  const params: Params = {
    headers: { Host: target.host, 'Content-Type': 'application/json', ...options.headers },
    tags: { ...options.tags, route: routes[route].route, name: routes[route].name, target: 'service' },
  };
  if (options.expectedStatuses) params.responseCallback = options.expectedStatuses;
  if (options.timeout) params.timeout = options.timeout;
  return params;
}
