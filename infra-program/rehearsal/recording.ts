/**
 * What Prometheus 3 would store from the replicas' OTLP metrics, sampled every `stepSeconds`: each series by
 * the name and labels its OTLP receiver gives it (@lab/dashboards' translation: `http.server.request.duration`
 * in s becomes `http_server_request_duration_seconds_bucket{le=...}`, `_count`, `_sum`; attributes become
 * labels with `_` for `.`, one without a value none; `service.name` becomes `job`, `service.instance.id`
 * `instance`). A series with no new point during a step has no sample there (`null`), as Prometheus has none
 * when nothing arrived.
 */
import { prometheusBaseName, prometheusLabelName, prometheusSeriesNames, type OtelMetricDefinition } from '@lab/dashboards';
import type { OtlpReceiver, ReceivedMetric } from '@lab/service/testing';

export type Phase = 'healthy' | 'fault';

export interface Recording {
  readonly stepSeconds: number;
  /** The phase of each step. */
  readonly phases: Phase[];
  /** Series selector (`name{label="value",...}`, labels sorted) to one sample per step. */
  readonly series: Record<string, Array<number | null>>;
}

type Labels = Record<string, string>;

export function seriesKey(name: string, labels: Labels): string {
  const body = Object.keys(labels)
    .sort()
    .map((k) => `${k}="${labels[k]!.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`)
    .join(',');
  return `${name}{${body}}`;
}

export function seriesName(key: string): string {
  return key.slice(0, key.indexOf('{'));
}

function kindOf(metric: ReceivedMetric): OtelMetricDefinition['kind'] | undefined {
  if (metric.type === 'histogram') return 'histogram';
  if (metric.type === 'gauge') return 'gauge';
  if (metric.type === 'sum') return metric.monotonic ? 'counter' : 'updowncounter';
  return undefined;
}

/** Every Prometheus sample one OTLP metric's points make: (series key, value). */
export function prometheusSamples(metric: ReceivedMetric): Array<[string, number]> {
  const kind = kindOf(metric);
  if (!kind) return [];
  const definition: OtelMetricDefinition = { name: metric.name, unit: metric.unit, kind };
  const target: Labels = {};
  if (typeof metric.resource['service.name'] === 'string') target.job = metric.resource['service.name'];
  if (typeof metric.resource['service.instance.id'] === 'string') target.instance = metric.resource['service.instance.id'];
  const samples: Array<[string, number]> = [];
  for (const point of metric.dataPoints) {
    const labels: Labels = { ...target };
    // An attribute with no value (an empty AnyValue) is a label with an empty value: Prometheus has none.
    for (const [k, v] of Object.entries(point.attributes)) if (v !== undefined && v !== '') labels[prometheusLabelName(k)] = String(v);
    if (kind === 'histogram') {
      const base = prometheusBaseName(definition);
      const bounds = point.explicitBounds ?? [];
      const counts = point.bucketCounts ?? [];
      let cumulative = 0;
      bounds.forEach((bound, i) => {
        cumulative += counts[i] ?? 0;
        samples.push([seriesKey(`${base}_bucket`, { ...labels, le: String(bound) }), cumulative]);
      });
      samples.push([seriesKey(`${base}_bucket`, { ...labels, le: '+Inf' }), point.count ?? 0]);
      samples.push([seriesKey(`${base}_count`, labels), point.count ?? 0]);
      samples.push([seriesKey(`${base}_sum`, labels), point.sum ?? 0]);
    } else if (point.value !== undefined) {
      samples.push([seriesKey(prometheusSeriesNames(definition)[0]!, labels), point.value]);
    }
  }
  return samples;
}

/** Samples the receiver's metrics every `stepSeconds`, tagging each step with the phase then running. */
export class Recorder {
  private readonly steps: Phase[] = [];
  private readonly series = new Map<string, Array<number | null>>();
  private pending = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  phase: Phase = 'healthy';

  constructor(
    private readonly receiver: OtlpReceiver,
    readonly stepSeconds: number,
    /** Only series of these names are kept (the ones the rules read). */
    private readonly keep: (name: string) => boolean,
  ) {}

  /** Drops what arrived so far (warm-up), then samples every step. */
  start(): void {
    this.drain();
    this.timer = setInterval(() => this.sample(), this.stepSeconds * 1000);
  }

  /** Takes what the receiver holds, so a long rehearsal does not keep every export (spans and logs unread). */
  private drain(): ReceivedMetric[] {
    this.receiver.spans.splice(0);
    this.receiver.logs.splice(0);
    this.receiver.requests.splice(0);
    return this.receiver.metrics.splice(0);
  }

  private sample(): void {
    for (const metric of this.drain()) {
      for (const [key, value] of prometheusSamples(metric)) {
        if (this.keep(seriesName(key))) this.pending.set(key, value);
      }
    }
    const step = this.steps.length;
    this.steps.push(this.phase);
    for (const [key, value] of this.pending) {
      if (!this.series.has(key)) this.series.set(key, Array.from({ length: step }, () => null));
    }
    for (const [key, values] of this.series) values.push(this.pending.get(key) ?? null);
    this.pending = new Map();
  }

  stop(): Recording {
    clearInterval(this.timer);
    return { stepSeconds: this.stepSeconds, phases: [...this.steps], series: Object.fromEntries(this.series) };
  }
}
