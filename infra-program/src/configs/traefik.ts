import { httpUrl, type Endpoint } from '../endpoint';

export const traefikPorts = { web: 8000, dashboard: 8080, metrics: 8082 } as const;
export const traefikStaticPath = '/etc/traefik/traefik.yml';
export const traefikDynamicPath = '/etc/traefik/dynamic/routes.yml';

/** The subset of Traefik 3.7's static configuration this platform writes. */
export interface TraefikStaticConfig {
  entryPoints: Record<'web' | 'traefik' | 'metrics', { address: string }>;
  api: { dashboard: boolean; insecure: boolean };
  ping: { entryPoint: string };
  log: { level: string };
  accessLog: Record<string, never>;
  providers: { file: { filename: string; watch: boolean } };
  metrics: { prometheus: { entryPoint: string; addEntryPointsLabels: boolean; addRoutersLabels: boolean; addServicesLabels: boolean } };
  tracing: { serviceName: string; sampleRate: number; otlp: { http: { endpoint: string } } };
}

export function traefikStaticConfig(args: { collectorOtlpHttp: Endpoint; traceSampleRatio: number }): TraefikStaticConfig {
  return {
    entryPoints: {
      web: { address: `:${traefikPorts.web}` },
      // `api.insecure` serves the API and dashboard on the entry point named `traefik`.
      traefik: { address: `:${traefikPorts.dashboard}` },
      metrics: { address: `:${traefikPorts.metrics}` },
    },
    api: { dashboard: true, insecure: true },
    ping: { entryPoint: 'traefik' },
    log: { level: 'INFO' },
    accessLog: {},
    // Routes come from a generated file, not the Docker provider: no Docker socket in the container.
    providers: { file: { filename: traefikDynamicPath, watch: false } },
    metrics: {
      prometheus: { entryPoint: 'metrics', addEntryPointsLabels: true, addRoutersLabels: true, addServicesLabels: true },
    },
    // Traces start at the edge and continue in the service through the traceparent Traefik forwards. Traefik
    // samples ParentBased(TraceIDRatioBased(sampleRate)) (pkg/observability/types/tracing.go), so a client's
    // sampled traceparent, like the k6 smoke test's, is always kept.
    tracing: { serviceName: 'traefik', sampleRate: args.traceSampleRatio, otlp: { http: { endpoint: httpUrl(args.collectorOtlpHttp, '/v1/traces') } } },
  };
}

/** The subset of Traefik 3.7's dynamic (file provider) configuration this platform writes. */
export interface TraefikDynamicConfig {
  http: {
    routers: Record<string, { rule: string; entryPoints: string[]; service: string }>;
    services: Record<
      string,
      {
        loadBalancer: {
          servers: { url: string }[];
          healthCheck?: { path: string; interval: string; timeout: string };
        };
      }
    >;
  };
}

export interface TraefikRoutes {
  readonly appHost: string;
  readonly appReplicas: readonly Endpoint[];
  /**
   * Path the load balancer probes on each replica; one that fails takes the replica out. None where the
   * one server is a Kubernetes Service, whose endpoints already hold only ready pods (a failed check
   * there would take the whole app out).
   */
  readonly appHealthPath?: string;
  readonly minioConsoleHost: string;
  readonly minioConsole: Endpoint;
}

/** How Traefik probes each app replica; one failed probe takes the replica out of the rotation. */
export const appHealthCheck = { intervalSeconds: 5, timeoutSeconds: 2 } as const;

/** The longest Traefik can take to notice a replica whose readiness started failing. */
export const appHealthCheckDetectionMs = (appHealthCheck.intervalSeconds + appHealthCheck.timeoutSeconds) * 1000;

/**
 * No retry middleware on the app router, deliberately. It retries only when a server does not answer (or on
 * status codes chosen in `status`, pkg/config/dynamic/middlewares.go `Retry` at v3.7.9), so retrying the
 * retry-storm's 500s here would multiply every client retry and hide the injected errors from the clients
 * that measure them; and Traefik builds it without the metrics listener (pkg/server/middleware/middlewares.go,
 * "TODO missing metrics / accessLog"), so `traefik_service_retries_total` would not count its retries anyway.
 * The storm's retries are counted by k6 (see @lab/dashboards README, "Where the retries are").
 */
export function traefikDynamicConfig(routes: TraefikRoutes): TraefikDynamicConfig {
  if (routes.appReplicas.length === 0) throw new Error('Traefik needs at least one app replica to route to');
  return {
    http: {
      routers: {
        shop: { rule: `Host(\`${routes.appHost}\`)`, entryPoints: ['web'], service: 'shop' },
        'minio-console': { rule: `Host(\`${routes.minioConsoleHost}\`)`, entryPoints: ['web'], service: 'minio-console' },
      },
      services: {
        shop: {
          loadBalancer: {
            servers: routes.appReplicas.map((replica) => ({ url: httpUrl(replica) })),
            ...(routes.appHealthPath === undefined
              ? {}
              : {
                  healthCheck: {
                    path: routes.appHealthPath,
                    interval: `${appHealthCheck.intervalSeconds}s`,
                    timeout: `${appHealthCheck.timeoutSeconds}s`,
                  },
                }),
          },
        },
        'minio-console': { loadBalancer: { servers: [{ url: httpUrl(routes.minioConsole) }] } },
      },
    },
  };
}
