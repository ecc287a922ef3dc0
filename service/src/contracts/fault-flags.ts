/**
 * `@lab/service/fault-flags`: the fault flags the service evaluates (names, variants, limits, the routes they
 * may scope to) and the telemetry names their evaluations carry. The program serves them through flagd; the
 * dashboards query their evaluations.
 */
export { faultFlags, faultFlagLimits, faultableRoutes, routeContextKey, type FaultFlagName } from '../faults/flags';
export { featureFlagAttributes, featureFlagEvaluationEvent } from '../faults/feature-flag-conventions';
