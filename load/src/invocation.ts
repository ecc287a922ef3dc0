import { scenarioParams, isScenarioName, type ScenarioName } from './scenarios';
import { k6ScriptDir, scenarioScriptPath } from './scripts';

export interface K6InvocationArgs {
  readonly scenario: ScenarioName;
  /** Base URL of the service as k6 reaches it (Traefik inside the Docker network), e.g. http://traefik:80. */
  readonly targetUrl: string;
  /** Host header Traefik routes on, e.g. shop.localhost. */
  readonly hostHeader: string;
  /** Tempo's HTTP API base URL, e.g. http://tempo:3200. */
  readonly tempoUrl: string;
  /** Loki's HTTP API base URL, e.g. http://loki:3100. */
  readonly lokiUrl: string;
  /** Prometheus's HTTP API base URL, e.g. http://prometheus:9090. */
  readonly prometheusUrl: string;
  /** Prometheus remote-write receiver, e.g. http://prometheus:9090/api/v1/write. */
  readonly prometheusRemoteWriteUrl: string;
  /** Scenario parameters (see scenarioParams), passed to the script as environment variables. */
  readonly params?: Readonly<Record<string, string>>;
}

export interface K6Invocation {
  /** Arguments to the image's `k6` entrypoint. */
  readonly command: string[];
  readonly env: Record<string, string>;
}

/**
 * k6's Prometheus remote-write output. Trend stats become gauges named k6_<metric>_<stat> (k6 sends seconds for
 * time trends); stale markers end the series when the run ends, so panels do not draw a flat line after it.
 */
export const prometheusRemoteWriteEnv = {
  K6_PROMETHEUS_RW_TREND_STATS: 'p(50),p(95),p(99),avg,max',
  K6_PROMETHEUS_RW_PUSH_INTERVAL: '5s',
  K6_PROMETHEUS_RW_STALE_MARKERS: 'true',
} as const;

function requireHttpUrl(name: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`${name} must be an absolute URL, got ${JSON.stringify(value)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`${name} must be http(s), got ${value}`);
  return value;
}

function checkedParams(scenario: ScenarioName, params: Readonly<Record<string, string>>): Record<string, string> {
  const known: readonly string[] = scenarioParams[scenario];
  for (const [name, value] of Object.entries(params)) {
    if (!known.includes(name)) {
      throw new Error(`scenario ${scenario} has no parameter ${name}; it takes ${known.join(', ')}`);
    }
    if (typeof value !== 'string' || value === '') throw new Error(`parameter ${name} must be a non-empty string`);
  }
  return { ...params };
}

/** What the k6 container runs for a scenario: the command after the `k6` entrypoint, and its environment. */
export function k6Invocation(args: K6InvocationArgs): K6Invocation {
  if (!isScenarioName(args.scenario)) throw new Error(`unknown scenario ${String(args.scenario)}`);
  if (!args.hostHeader || /[\s/:]/.test(args.hostHeader)) {
    throw new Error(`hostHeader must be a bare host name such as shop.localhost, got ${JSON.stringify(args.hostHeader)}`);
  }
  return {
    command: [
      'run',
      '--out',
      'experimental-prometheus-rw',
      // testid tells runs apart on the dashboards (k6's recommended label for the remote-write output).
      '--tag',
      `testid=${args.scenario}`,
      `${k6ScriptDir}/${scenarioScriptPath(args.scenario)}`,
    ],
    env: {
      // Scenario parameters first: the connection settings below must not be overridable by them.
      ...checkedParams(args.scenario, args.params ?? {}),
      TARGET_URL: requireHttpUrl('targetUrl', args.targetUrl),
      HOST_HEADER: args.hostHeader,
      TEMPO_URL: requireHttpUrl('tempoUrl', args.tempoUrl),
      LOKI_URL: requireHttpUrl('lokiUrl', args.lokiUrl),
      PROMETHEUS_URL: requireHttpUrl('prometheusUrl', args.prometheusUrl),
      K6_PROMETHEUS_RW_SERVER_URL: requireHttpUrl('prometheusRemoteWriteUrl', args.prometheusRemoteWriteUrl),
      ...prometheusRemoteWriteEnv,
      // The network has no way out; k6 would otherwise try to phone home at the end of every run.
      K6_NO_USAGE_REPORT: 'true',
    },
  };
}
