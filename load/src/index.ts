/** Public API of @lab/load, consumed by the infra program (contract in the project's common notes). */
export { scenarioNames, scenarioParams, isScenarioName, type ScenarioName } from './scenarios';
export { k6Scripts, k6ScriptDir, scenarioScriptPath, type K6Script } from './scripts';
export { k6Invocation, prometheusRemoteWriteEnv, type K6Invocation, type K6InvocationArgs } from './invocation';
export { k6Image } from './image';
export { plannedDurationSeconds } from './planned-duration';
export { trafficMix, type MixAction } from '../k6/lib/traffic-mix';
export { chooseWeighted } from '../k6/lib/choose';
