/**
 * Which exemplar requests can never show a dot: a target with `exemplar: true` whose selected series
 * are not written with exemplars by any source in the stack.
 */
import { exemplarSeriesNames, sourceOf } from '../../src/metrics/known-metrics';
import { promqlMetricNames } from './grammars';
import type { FoundQuery } from './query-inventory';

export function exemplarRequestsWithoutExemplars(queries: readonly FoundQuery[]): string[] {
  return queries
    .filter((q) => q.language === 'promql' && q.exemplar)
    .flatMap((q) => {
      const names = promqlMetricNames(q.text);
      if (names.length === 0) return [`${q.where}: asks for exemplars but selects no series`];
      return names
        .filter((name) => !exemplarSeriesNames.has(name))
        .map((name) => `${q.where}: ${name} (${sourceOf(name) ?? 'unknown source'}) emits no exemplars`);
    });
}
