/**
 * OTLP -> Prometheus metric name translation, as Prometheus 3's OTLP receiver does it by default
 * (`otlp.translation_strategy: UnderscoreEscapingWithSuffixes`), following the OpenTelemetry
 * "Prometheus and OpenMetrics compatibility" spec:
 *  - characters outside [a-zA-Z0-9_:] (dots, dashes) become `_`;
 *  - the unit becomes a suffix (`s` -> `_seconds`, `By` -> `_bytes`, `1` on a gauge -> `_ratio`);
 *    annotations in braces (`{lookup}`) carry no unit and are dropped;
 *  - monotonic sums (counters) get `_total`;
 *  - histograms are series `_bucket`, `_sum` and `_count`.
 * The dashboards derive every service metric name through this, so a rename in the service's
 * metric list surfaces as a failing query test instead of an empty panel.
 */
import type { MetricKind, MetricSpec } from '@lab/service/metric-names';

/** The instrument kinds whose translation differs, and a metric as the service declares it. */
export type OtelMetricKind = MetricKind;
export type OtelMetricDefinition = MetricSpec;

/** UCUM units Prometheus spells out as a suffix (subset the stack uses). */
const unitSuffixes: Readonly<Record<string, string>> = {
  s: 'seconds',
  ms: 'milliseconds',
  By: 'bytes',
  KiBy: 'kibibytes',
  MiBy: 'mebibytes',
};

function sanitize(name: string): string {
  return name.replace(/[^a-zA-Z0-9_:]/g, '_').replace(/_+/g, '_');
}

function unitSuffix(metric: OtelMetricDefinition): string | undefined {
  const unit = metric.unit.trim();
  if (unit === '' || unit.startsWith('{')) return undefined;
  // The ratio suffix applies to unit "1" on gauges only; counters of "1" stay plain.
  if (unit === '1') return metric.kind === 'gauge' ? 'ratio' : undefined;
  return unitSuffixes[unit] ?? sanitize(unit);
}

/** The Prometheus base name (before `_total` or `_bucket/_sum/_count`). */
export function prometheusBaseName(metric: OtelMetricDefinition): string {
  const base = sanitize(metric.name);
  const suffix = unitSuffix(metric);
  return suffix && !base.endsWith(`_${suffix}`) ? `${base}_${suffix}` : base;
}

/** Every series name the metric appears as in Prometheus. */
export function prometheusSeriesNames(metric: OtelMetricDefinition): string[] {
  const base = prometheusBaseName(metric);
  switch (metric.kind) {
    case 'histogram':
      return [`${base}_bucket`, `${base}_sum`, `${base}_count`];
    case 'counter':
      return [base.endsWith('_total') ? base : `${base}_total`];
    case 'updowncounter':
    case 'gauge':
      return [base];
  }
}

/** An attribute key as a Prometheus label name (`http.route` -> `http_route`); a leading digit gets a `key_` prefix. */
export function prometheusLabelName(attribute: string): string {
  const name = attribute.replace(/[^a-zA-Z0-9_]/g, '_');
  return /^[0-9]/.test(name) ? `key_${name}` : name;
}
