/**
 * `@lab/service/fault-controller`: the fault controller as the program deploys it and tests it: the declaration
 * it reads and its environment, the series it reports, and the controller itself with its planner and
 * Toxiproxy client, which the program's tests run against the declarations and the Toxiproxy -config file
 * the program generates.
 */
export { toxicAttributeNames, type DeclaredFlag, type DeclaredProxy, type DeclaredToxic, type FaultDeclaration } from '../fault-controller/declaration';
export {
  faultControllerCommand,
  faultControllerDefaults,
  faultControllerEnvironment,
  faultControllerVariables,
  type FaultControllerEnvironmentInput,
} from '../fault-controller/environment';
export { createFaultController, type ControllerLogger, type FaultController, type FaultControllerOptions, type ReconcileOutcome } from '../fault-controller/controller';
export { faultMetrics } from '../fault-controller/metric-names';
export { renderMetrics, type ControllerSnapshot } from '../fault-controller/metrics';
export { planChanges, type Change, type Plan } from '../fault-controller/plan';
export { FaultDeclarationError, parseDeclaration, readDeclaration } from '../fault-controller/read-declaration';
export { loadFaultControllerSettings, type FaultControllerSettings } from '../fault-controller/settings';
export {
  ToxiproxyApiError,
  ToxiproxyApiTimeout,
  toxiproxyApi,
  toxiproxyApiTimeouts,
  type ToxiproxyApi,
  type ToxiproxyApiTimeouts,
  type ToxiproxyProxy,
  type ToxiproxyToxic,
} from '../fault-controller/toxiproxy-api';
