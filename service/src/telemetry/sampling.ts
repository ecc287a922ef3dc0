import type { Config } from '../config';

/**
 * Whether the configured sampler drops every span whose remote parent was not sampled: true for the
 * SDK's parent-based samplers (its default is `parentbased_always_on`), whose decision for a remote parent
 * without the sampled flag is always-off. The edge proxy then decides for the whole trace, and the service
 * can skip a dropped request's span without asking the SDK.
 */
export function dropsUnsampledRemoteParents(sampler: Config['OTEL_TRACES_SAMPLER']): boolean {
  return sampler === undefined || sampler.startsWith('parentbased_');
}
