/**
 * `@lab/service/fault-controller`: the fault controller as the program deploys it and tests it: the declaration
 * it reads and its environment, the series it reports, and its planner and Toxiproxy client, which the
 * program's tests run against the declarations the program generates.
 */
export { toxicAttributeNames, type DeclaredFlag, type DeclaredProxy, type DeclaredToxic, type FaultDeclaration } from '../fault-controller/declaration';
export {
  faultControllerCommand,
  faultControllerDefaults,
  faultControllerEnvironment,
  faultControllerVariables,
  type FaultControllerEnvironmentInput,
} from '../fault-controller/environment';
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
