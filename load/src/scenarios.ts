import { failureMixParams } from '../k6/scenarios/failure-mix.options.ts';
import { loadTestParams } from '../k6/scenarios/load-test.options.ts';
import { retryStormParams } from '../k6/scenarios/retry-storm.options.ts';
import { smokeParams } from '../k6/scenarios/smoke.options.ts';
import { soakParams } from '../k6/scenarios/soak.options.ts';
import { spikeParams } from '../k6/scenarios/spike.options.ts';

/** The k6 scenarios this package ships; each is `k6/scenarios/<name>.ts`. */
export const scenarioNames = ['smoke', 'load-test', 'retry-storm', 'spike', 'soak', 'failure-mix'] as const;
export type ScenarioName = (typeof scenarioNames)[number];

export function isScenarioName(value: string): value is ScenarioName {
  return (scenarioNames as readonly string[]).includes(value);
}

/**
 * Parameters each scenario reads from its environment (set them through k6Invocation's `params`, i.e. the
 * Pulumi config of the k6 resource): the keys of each `k6/scenarios/<name>.options.ts` parameter table,
 * where their defaults and meaning live.
 */
export const scenarioParams = {
  smoke: keysOf(smokeParams),
  'load-test': keysOf(loadTestParams),
  'retry-storm': keysOf(retryStormParams),
  spike: keysOf(spikeParams),
  soak: keysOf(soakParams),
  'failure-mix': keysOf(failureMixParams),
} satisfies Record<ScenarioName, readonly string[]>;

function keysOf<Params extends object>(params: Params): readonly (keyof Params & string)[] {
  return Object.keys(params) as (keyof Params & string)[];
}
