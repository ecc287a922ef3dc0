/**
 * The OpenTelemetry feature-flag event and attributes, as @opentelemetry/semantic-conventions 1.45 names
 * them in `incubating` (experimental). Copied rather than imported, as the OpenTelemetry JS docs advise for
 * incubating names (they may change in a minor release); a test compares them with the installed package.
 * Not @openfeature/core's createEvaluationEvent: it still writes the deprecated `error.message`.
 */
export const featureFlagEvaluationEvent = 'feature_flag.evaluation';

export const featureFlagAttributes = {
  key: 'feature_flag.key',
  providerName: 'feature_flag.provider.name',
  resultVariant: 'feature_flag.result.variant',
  resultValue: 'feature_flag.result.value',
  resultReason: 'feature_flag.result.reason',
  errorMessage: 'feature_flag.error.message',
  /** Stable `error.type`: the OpenFeature error code in lower case (`flag_not_found`, `provider_not_ready`). */
  errorType: 'error.type',
} as const;
