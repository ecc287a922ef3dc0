import { metrics, trace, type Attributes } from '@opentelemetry/api';
import { serviceMetrics } from '../telemetry/metric-names';
import { ObservedTally } from '../telemetry/observed-tally';
import { featureFlagAttributes as attr, featureFlagEvaluationEvent } from './feature-flag-conventions';
import type { SnapshotEntry } from './flag-snapshot';

const scope = '@lab/service/feature-flags';

export type EvaluationRecorder = (entry: SnapshotEntry) => void;

/**
 * Shows every flag value a request (or the background loop) used where a user looks for it: a
 * `feature_flag.evaluation` event on the active span (the request's SERVER span), with the evaluation's own
 * variant, value and reason, and a count by flag, variant and reason. Ours rather than
 * @openfeature/open-telemetry-hooks 1.0: that one pins @opentelemetry/api-logs ^0.205 as a peer, which our
 * SDK (0.30x) does not satisfy, and as an SDK hook it would run at evaluation, not when a request uses the value.
 */
export function evaluationRecorder(): EvaluationRecorder {
  const evaluations = new ObservedTally<string>(
    metrics.getMeter(scope).createObservableCounter(serviceMetrics.featureFlagEvaluations.name, {
      description: 'Feature flag evaluations by flag, variant and reason',
      unit: serviceMetrics.featureFlagEvaluations.unit,
    }),
  );
  return ({ details, providerName }) => {
    const reason = (details.reason ?? 'UNKNOWN').toLowerCase();
    const errorType = details.errorCode?.toLowerCase();
    const { variant } = details;
    evaluations.add(`${details.flagKey}\u0000${variant ?? ''}\u0000${reason}\u0000${errorType ?? ''}`, 1, () => {
      const labels: Attributes = { [attr.key]: details.flagKey, [attr.resultReason]: reason };
      if (variant !== undefined) labels[attr.resultVariant] = variant;
      if (errorType !== undefined) labels[attr.errorType] = errorType;
      return labels;
    });
    const span = trace.getActiveSpan();
    if (!span?.isRecording()) return;
    const event: Attributes = {
      [attr.key]: details.flagKey,
      [attr.providerName]: providerName,
      [attr.resultReason]: reason,
    };
    if (variant !== undefined) event[attr.resultVariant] = variant;
    if (typeof details.value === 'number' || typeof details.value === 'boolean' || typeof details.value === 'string') {
      event[attr.resultValue] = details.value;
    }
    if (errorType !== undefined) {
      event[attr.errorType] = errorType;
      if (details.errorMessage) event[attr.errorMessage] = details.errorMessage;
    }
    span.addEvent(featureFlagEvaluationEvent, event);
  };
}
