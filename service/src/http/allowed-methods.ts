/** A route as Hono lists it in `app.routes`: middleware is registered under the method `ALL`. */
export interface RegisteredRoute {
  readonly method: string;
  readonly path: string;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** `/api/items/:id` -> /^\/api\/items\/[^/]+$/ ; a `*` segment matches the rest of the path. Strict, as Hono's router is. */
function pathPattern(path: string): RegExp {
  const segments = path.split('/').map((segment) => (segment.startsWith(':') ? '[^/]+' : segment === '*' ? '.*' : escapeRegExp(segment)));
  return new RegExp(`^${segments.join('/')}$`);
}

/**
 * The methods the app serves on a path, for a 405's `Allow` header: empty when no route has that path at all
 * (a 404). HEAD is allowed wherever GET is, as Hono answers it from the GET handler.
 */
export function allowedMethods(routes: readonly RegisteredRoute[]): (path: string) => string[] {
  const shapes = routes.filter((route) => route.method !== 'ALL').map((route) => ({ method: route.method, pattern: pathPattern(route.path) }));
  return (path) => {
    const methods = new Set(shapes.filter((shape) => shape.pattern.test(path)).map((shape) => shape.method));
    if (methods.has('GET')) methods.add('HEAD');
    return [...methods].sort();
  };
}
