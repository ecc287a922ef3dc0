/**
 * The fault controller's environment: names and defaults. No imports, so the Pulumi program can build the
 * container's env from it (`@lab/service/fault-controller`) and never retype a variable name.
 */
export const faultControllerVariables = {
  /** Base URL of Toxiproxy's HTTP API, e.g. http://toxiproxy:8474. Required: the host is the program's. */
  toxiproxyUrl: 'TOXIPROXY_URL',
  /** Path of the FaultDeclaration JSON (declaration.ts) inside the container. */
  faultsFile: 'FAULTS_FILE',
  /** Port of the Prometheus `/metrics` endpoint (and `/health/live`). */
  metricsPort: 'METRICS_PORT',
  /** Milliseconds between two reconciliations. */
  reconcileIntervalMs: 'RECONCILE_INTERVAL_MS',
  logLevel: 'LOG_LEVEL',
} as const;

export const faultControllerDefaults = {
  faultsFile: '/etc/fault-controller/faults.json',
  metricsPort: 9478,
  reconcileIntervalMs: 2_000,
  logLevel: 'info',
} as const;

/** The command that runs the controller in the service image (its WORKDIR is the service folder). */
export const faultControllerCommand = ['node', 'dist/fault-controller/main.js'] as const;

export interface FaultControllerEnvironmentInput {
  readonly toxiproxyUrl: string;
  readonly faultsFile?: string;
  readonly metricsPort?: number;
  readonly reconcileIntervalMs?: number;
}

/**
 * The container's environment as `NAME=value` entries. PORT repeats the metrics port because the service
 * image's HEALTHCHECK probes `/health/live` on PORT, which the controller serves next to `/metrics`.
 */
export function faultControllerEnvironment(input: FaultControllerEnvironmentInput): string[] {
  const metricsPort = input.metricsPort ?? faultControllerDefaults.metricsPort;
  return [
    `${faultControllerVariables.toxiproxyUrl}=${input.toxiproxyUrl}`,
    `${faultControllerVariables.faultsFile}=${input.faultsFile ?? faultControllerDefaults.faultsFile}`,
    `${faultControllerVariables.metricsPort}=${metricsPort}`,
    `${faultControllerVariables.reconcileIntervalMs}=${input.reconcileIntervalMs ?? faultControllerDefaults.reconcileIntervalMs}`,
    `PORT=${metricsPort}`,
  ];
}
