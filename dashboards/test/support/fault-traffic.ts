/**
 * Synthetic series like each catalogue scenario produces, minute by minute: a healthy history, then the
 * fault. Shapes follow what the service emits (service/src/telemetry/metric-names.ts through the OTLP
 * translation); the numbers are a lab's (a soak's 15 requests/s, two replicas).
 */
import { runtimeProm, serviceCounters, serviceLabels as l, serviceProm } from '../../src/metrics/service-metrics';
import { databaseSlowSeconds } from '../../src/rules/symptom-alerts';
import type { FaultScenario, FaultScenarioName } from '../../src/faults/scenarios';
import { counterSeries, type Phase } from './traffic';

export interface InputSeries {
  series: string;
  values: string;
}

export interface Timeline {
  /** Minutes of healthy traffic before the fault starts. */
  healthyMinutes: number;
  faultMinutes: number;
  faulted: boolean;
}

const job = 'shop-api';
const replicas = ['shop-api-1', 'shop-api-2'];
const mib = 1024 * 1024;

function selector(name: string, labels: Record<string, string>): string {
  return `${name}{${Object.entries({ job, ...labels }).map(([k, v]) => `${k}="${v}"`).join(', ')}}`;
}

/** A counter growing `healthy` a minute, then `fault` a minute (or `healthy` again without the fault). */
function counter(t: Timeline, healthy: number, fault: number): string {
  const phases: Phase[] = [
    { minutes: t.healthyMinutes, perMinute: healthy },
    { minutes: t.faultMinutes, perMinute: t.faulted ? fault : healthy },
  ];
  return counterSeries(phases);
}

/** Explicit samples, one a minute, from a function of the minute and whether the fault is on then. */
function samples(t: Timeline, value: (minute: number, faultOn: boolean) => number | undefined): string {
  const out: string[] = [];
  for (let m = 0; m < t.healthyMinutes + t.faultMinutes; m++) {
    const v = value(m, t.faulted && m >= t.healthyMinutes);
    out.push(v === undefined ? '_' : String(Math.round(v)));
  }
  return out.join(' ');
}

const requestsPerMinute = 900;

/** Requests by status: `badShare` of them answered `badStatus` while the fault is on; 0.1% 500s always. */
function httpTraffic(t: Timeline, badStatus: string, badShare: number): InputSeries[] {
  const name = `${serviceProm.httpServerRequestDuration}_count`;
  const labels = (status: string) => ({ [l.route]: '/api/items/:id', [l.method]: 'GET', [l.statusCode]: status });
  const background = Math.round(requestsPerMinute * 0.001);
  const bad = Math.round(requestsPerMinute * badShare);
  const series: InputSeries[] = [
    { series: selector(name, labels('200')), values: counter(t, requestsPerMinute - background, requestsPerMinute - background - bad) },
    { series: selector(name, labels('500')), values: counter(t, background, background + (badStatus === '500' ? bad : 0)) },
  ];
  if (badStatus !== '500') series.push({ series: selector(name, labels(badStatus)), values: counter(t, 0, bad) });
  return series;
}

/** Database statements: `slowShare` of them over the alert's threshold while the fault is on (0.2% before). */
function databaseTraffic(t: Timeline, slowShare: number): InputSeries[] {
  const name = serviceProm.dbClientOperationDuration;
  const labels = { [l.dbSystem]: 'postgresql', [l.dbOperation]: 'SELECT', [l.dbCollection]: 'items' };
  const perMinute = 600;
  const slowHealthy = Math.round(perMinute * 0.002);
  return [
    { series: selector(`${name}_bucket`, { ...labels, le: String(databaseSlowSeconds) }), values: counter(t, perMinute - slowHealthy, Math.round(perMinute * (1 - slowShare))) },
    { series: selector(`${name}_bucket`, { ...labels, le: '+Inf' }), values: counter(t, perMinute, perMinute) },
    { series: selector(`${name}_count`, labels), values: counter(t, perMinute, perMinute) },
  ];
}

function cacheTraffic(t: Timeline): InputSeries[] {
  const name = serviceCounters.cacheLookups;
  const at = (result: string) => selector(name, { [l.cacheName]: 'item', [l.cacheResult]: result });
  return [
    { series: at('hit'), values: counter(t, 450, 0) },
    { series: at('miss'), values: counter(t, 45, 0) },
    { series: at('error'), values: counter(t, 0, 495) },
  ];
}

/** Heap per replica: a sawtooth of garbage (period 5 minutes) on a floor, plus what the leak retains. */
function heap(t: Timeline, leak?: { mbPerMinute: number; capMb: number }, missingWhileFaulted = false): InputSeries[] {
  return replicas.map((instance) => ({
    series: selector(runtimeProm.heapUsed, { [l.instance]: instance }),
    values: samples(t, (m, on) => {
      if (on && missingWhileFaulted) return undefined;
      const retained = on && leak ? Math.min(leak.capMb, leak.mbPerMinute * (m - t.healthyMinutes + 1)) : 0;
      return (40 + (m % 5) * 6 + retained) * mib;
    }),
  }));
}

function eventLoop(t: Timeline, busy: number): InputSeries[] {
  return replicas.map((instance) => ({
    series: selector(runtimeProm.eventLoopUtilization, { [l.instance]: instance }),
    values: samples(t, (m, on) => (on ? busy : 0.15) * 1000).split(' ').map((v) => String(Number(v) / 1000)).join(' '),
  }));
}

/** What each scenario's fault does to the series its alerts read. */
export const scenarioTraffic: Record<FaultScenarioName, (t: Timeline, scenario: FaultScenario) => InputSeries[]> = {
  // Every statement waits the injected 250 ms on the link.
  'db-latency': (t) => databaseTraffic(t, 1),
  // Postgres gone: reads the cache still answers (55% of the soak's mix, most of them hits) succeed, the rest 503.
  'db-outage': (t) => httpTraffic(t, '503', 0.45),
  'cache-outage': (t) => cacheTraffic(t),
  // The flag answers half of every API route's requests 500.
  'error-burst': (t) => httpTraffic(t, '500', 0.5),
  // One 300 ms pg_sleep ahead of each request's statements: about one statement in three.
  'slow-queries': (t) => databaseTraffic(t, 1 / 3),
  // Nothing from the replicas reaches Prometheus.
  'telemetry-outage': (t) => heap(t, undefined, true),
  // The hog's 75% plus the requests' own work.
  'cpu-hog': (t) => eventLoop(t, 0.85),
  'memory-leak': (t, scenario) => heap(t, scenario.faults.app?.memoryLeak),
};

/** The labels an alert carries besides its rule's own, as its expression keeps them. */
export function resultLabelValues(resultLabels: readonly string[]): Array<Record<string, string>> {
  if (resultLabels.includes(l.instance)) return replicas.map((instance) => ({ [l.instance]: instance }));
  if (resultLabels.includes(l.job)) return [{ [l.job]: job }];
  return [{}];
}
