/** The k6 scenarios this package ships; each is `k6/scenarios/<name>.ts`. */
export const scenarioNames = ['smoke', 'load-test', 'retry-storm', 'spike', 'soak', 'failure-mix'] as const;
export type ScenarioName = (typeof scenarioNames)[number];

export function isScenarioName(value: string): value is ScenarioName {
  return (scenarioNames as readonly string[]).includes(value);
}

/**
 * Parameters each scenario reads from its environment (set them through k6Invocation's `params`, i.e. the
 * Pulumi config of the k6 resource). Defaults and meaning live beside the options in
 * `k6/scenarios/<name>.options.ts`; a test keeps the two lists identical.
 */
export const scenarioParams = {
  smoke: ['SIGNAL_TIMEOUT', 'SIGNAL_POLL', 'SERVICE_NAME', 'CHECK_TELEMETRY'],
  'load-test': ['RATE', 'RAMP', 'HOLD', 'MAX_VUS', 'POOL_SIZE', 'P95_MS', 'P99_MS', 'MAX_ERROR_RATE'],
  'retry-storm': ['RATE', 'PHASE', 'PAUSE', 'ERROR_RATE', 'MAX_RETRIES', 'BACKOFF_BASE_MS', 'BACKOFF_CAP_MS', 'MAX_VUS'],
  spike: ['BASE_RATE', 'SPIKE_RATE', 'SPIKE_HOLD', 'MAX_VUS', 'POOL_SIZE', 'P95_MS', 'P99_MS', 'MAX_ERROR_RATE'],
  soak: ['RATE', 'DURATION', 'MAX_VUS', 'POOL_SIZE', 'P95_MS', 'P99_MS', 'MAX_ERROR_RATE'],
  'failure-mix': [
    'DURATION',
    'LATENCY_RATE',
    'ERROR_RPS',
    'TASK_RATE',
    'SLOW_QUERY_RATE',
    'LATENCY_MS',
    'LATENCY_JITTER_MS',
    'ERROR_RATE',
    'SLOW_QUERY_MS',
    'MAX_VUS',
  ],
} as const satisfies Record<ScenarioName, readonly string[]>;
