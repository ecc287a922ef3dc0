import { metrics, type Counter, type Histogram, type UpDownCounter } from '@opentelemetry/api';
import { serviceMetrics } from './metric-names';
import { ObservedTally } from './observed-tally';

const meter = () => metrics.getMeter('@lab/service');

export type CacheResult = 'hit' | 'miss' | 'error';

/** The service's own instruments, created once on first use (after the SDK has registered its provider). */
export interface AppMetrics {
  /** Counted on every cached read, so kept off the SDK's per-call attribute hashing (see ObservedTally). */
  readonly cacheLookups: ObservedTally<CacheResult>;
  readonly orders: Counter;
  readonly taskQueueDepth: UpDownCounter;
  readonly taskDuration: Histogram;
}

let instruments: AppMetrics | undefined;

export function appMetrics(): AppMetrics {
  if (instruments) return instruments;
  const m = meter();
  instruments = {
    cacheLookups: new ObservedTally(
      m.createObservableCounter(serviceMetrics.cacheLookups.name, {
        description: 'Cache lookups by result (hit, miss, error)',
        unit: serviceMetrics.cacheLookups.unit,
      }),
    ),
    orders: m.createCounter(serviceMetrics.orders.name, {
      description: 'Order requests by outcome',
      unit: serviceMetrics.orders.unit,
    }),
    taskQueueDepth: m.createUpDownCounter(serviceMetrics.taskQueueDepth.name, {
      description: 'Background tasks accepted and not yet finished',
      unit: serviceMetrics.taskQueueDepth.unit,
    }),
    taskDuration: m.createHistogram(serviceMetrics.taskDuration.name, {
      description: 'Duration of background tasks from start of work to finish',
      unit: serviceMetrics.taskDuration.unit,
      advice: { explicitBucketBoundaries: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30] },
    }),
  };
  return instruments;
}
