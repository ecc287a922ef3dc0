/**
 * Where a part of the platform listens, as the other containers reach it: its Docker DNS name on a shared
 * network and the port its own config binds. Components hand these out; nobody else writes a host or port.
 */
export interface Endpoint {
  readonly host: string;
  readonly port: number;
}

export function endpoint(host: string, port: number): Endpoint {
  return { host, port };
}

/** `host:port`, the form gRPC clients, S3 clients and Prometheus targets use. */
export function hostPort(e: Endpoint): string {
  return `${e.host}:${e.port}`;
}

/** `http://host:port/path`. */
export function httpUrl(e: Endpoint, path = ''): string {
  return `http://${e.host}:${e.port}${path}`;
}

/** The address a server binds inside its container: every interface, so other containers reach it. */
export function bindAll(port: number): string {
  return `0.0.0.0:${port}`;
}
