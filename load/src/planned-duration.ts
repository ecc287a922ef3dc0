import type { Options } from 'k6/options';
import { durationSeconds } from '../k6/lib/params.ts';
import { failureMixOptions } from '../k6/scenarios/failure-mix.options.ts';
import { loadTestOptions } from '../k6/scenarios/load-test.options.ts';
import { retryStormOptions } from '../k6/scenarios/retry-storm.options.ts';
import { smokeOptions } from '../k6/scenarios/smoke.options.ts';
import { soakOptions } from '../k6/scenarios/soak.options.ts';
import { spikeOptions } from '../k6/scenarios/spike.options.ts';
import type { ScenarioName } from './scenarios';

const optionsOf: Record<ScenarioName, (env: Record<string, string>) => Options> = {
  smoke: smokeOptions,
  'load-test': loadTestOptions,
  'retry-storm': retryStormOptions,
  spike: spikeOptions,
  soak: soakOptions,
  'failure-mix': failureMixOptions,
};

/** k6's default gracefulStop: time a scenario's iterations get to finish after its duration. */
const defaultGracefulStopSeconds = 30;

type ScenarioOptions = NonNullable<Options['scenarios']>[string] & Record<string, unknown>;

const seconds = (value: unknown, fallback = 0) => (typeof value === 'string' ? durationSeconds(value) : fallback);

function scenarioSeconds(scenario: ScenarioOptions): number {
  const start = seconds(scenario.startTime);
  const stop = seconds(scenario.gracefulStop, defaultGracefulStopSeconds);
  if (Array.isArray(scenario.stages)) {
    const stages = scenario.stages as Array<{ duration: string }>;
    return start + stages.reduce((total, stage) => total + durationSeconds(stage.duration), 0) + stop;
  }
  if (scenario.duration !== undefined) return start + seconds(scenario.duration) + stop;
  // Iteration-based executors end at maxDuration at the latest (k6 default 10m).
  return start + seconds(scenario.maxDuration, 600) + stop;
}

/**
 * The longest a scenario can run with these parameters, from its own options (start times, stages,
 * durations, graceful stops): what a caller waiting on k6 must budget for.
 */
export function plannedDurationSeconds(scenario: ScenarioName, params: Record<string, string> = {}): number {
  const scenarios = Object.values(optionsOf[scenario](params).scenarios ?? {}) as ScenarioOptions[];
  return Math.max(0, ...scenarios.map(scenarioSeconds));
}
