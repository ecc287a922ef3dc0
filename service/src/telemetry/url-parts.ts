/** The parts of a request URL the HTTP server span reports, as `new URL(href)` would give them. */
export interface UrlParts {
  /** `URL.pathname`. */
  readonly path: string;
  /** `URL.search` without its `?` ('' when there is none). */
  readonly query: string;
  /** `URL.hostname`. */
  readonly hostname: string;
  /** `URL.port` ('' when the URL has none). */
  readonly port: string;
}

/**
 * Splits an absolute URL that is already in WHATWG serialised form, such as the `c.req.url` @hono/node-server
 * builds (it runs `new URL()` itself whenever the request target or Host header needs normalising). Parsing a
 * URL object per traced request cost more than the rest of the span's attributes; slicing the string gives the
 * same parts (service/test/url-parts.test.ts compares it with `new URL` on the cases that differ in form).
 */
export function urlParts(href: string): UrlParts {
  const authorityStart = href.indexOf('//') + 2;
  const slash = href.indexOf('/', authorityStart);
  const hash = href.indexOf('#', authorityStart);
  const end = hash === -1 ? href.length : hash;
  const authorityEnd = slash === -1 || slash > end ? end : slash;
  const authority = href.slice(href.lastIndexOf('@', authorityEnd - 1) + 1 || authorityStart, authorityEnd);
  const query = href.indexOf('?', authorityEnd);
  const pathEnd = query === -1 || query > end ? end : query;
  // IPv6 literals keep their brackets in URL.hostname; the port follows the closing bracket.
  const portColon = authority.startsWith('[') ? authority.indexOf(':', authority.indexOf(']')) : authority.indexOf(':');
  return {
    path: href.slice(authorityEnd, pathEnd) || '/',
    query: pathEnd === end ? '' : href.slice(pathEnd + 1, end),
    hostname: portColon === -1 ? authority : authority.slice(0, portColon),
    port: portColon === -1 ? '' : authority.slice(portColon + 1),
  };
}
