/**
 * Alerts on what a user of the shop would feel, each on the service's own series: slow or failing database
 * work, a failing cache, a saturated event loop, a growing heap, telemetry that stopped arriving. The
 * failure lab's scenarios are how you see each one fire (dashboards/src/faults/scenarios.ts says which);
 * none of them reads the fault controller's series, so they fire the same on a real incident.
 * Severity `ticket`: only the SLO fast burn pages.
 */
import { dashboardUids } from '../dashboards/dashboard-uids';
import { runtimeProm, serviceCounters, serviceLabels as l, serviceProm } from '../metrics/service-metrics';
import { shopService } from '../service-identity';
import type { Severity } from '../slo/burn-rate-policy';
import type { AlertingRule, RuleGroup } from '../slo/prometheus-rules';

const job = `${l.job}="${shopService.name}"`;
const userTraffic = `${job}, ${l.route}!~"${shopService.probeRouteRegex}"`;
const db = serviceProm.dbClientOperationDuration;
const http = serviceProm.httpServerRequestDuration;
const heap = runtimeProm.heapUsed;
const mib = 1024 * 1024;

/**
 * A boundary of the service's `db.client.operation.duration` buckets (service/src/db/postgres-instrumentation.ts
 * `durationBuckets`; a test reads it there): a `le` that is not one selects nothing.
 */
export const databaseSlowSeconds = 0.1;

export interface SymptomAlert {
  readonly alert: string;
  readonly expr: string;
  readonly for: string;
  /** Labels of the expression's result, beyond the rule's own (what Alertmanager groups by). */
  readonly resultLabels: readonly string[];
  readonly summary: string;
  readonly description: string;
}

export const symptomAlerts = {
  databaseSlow: {
    alert: 'ShopApiDatabaseSlow',
    expr:
      `1 - (sum(rate(${db}_bucket{${job}, le="${databaseSlowSeconds}"}[5m])) / sum(rate(${db}_count{${job}}[5m]))) > 0.2`,
    for: '2m',
    resultLabels: [],
    summary: `${shopService.name}: more than 20% of database operations take over ${databaseSlowSeconds * 1000} ms`,
    description:
      'Share of Postgres statements slower than the threshold: {{ $value | humanizePercentage }}. A slow link to Postgres ' +
      'slows every statement alike; a slow statement shows as one long CLIENT span with its db.query.text.',
  },
  databaseUnavailable: {
    alert: 'ShopApiDatabaseUnavailable',
    expr:
      `sum(rate(${http}_count{${userTraffic}, ${l.statusCode}="503"}[5m])) / sum(rate(${http}_count{${userTraffic}}[5m])) > 0.05`,
    for: '1m',
    resultLabels: [],
    summary: `${shopService.name}: more than 5% of requests are answered 503 (database unavailable)`,
    description:
      'The service answers 503 with Retry-After only when Postgres cannot be reached: {{ $value | humanizePercentage }} of requests. ' +
      'Reads served from the cache still succeed.',
  },
  cacheFailing: {
    alert: 'ShopApiCacheFailing',
    expr:
      `sum(rate(${serviceCounters.cacheLookups}{${job}, ${l.cacheResult}="error"}[5m])) / sum(rate(${serviceCounters.cacheLookups}{${job}}[5m])) > 0.5`,
    for: '2m',
    resultLabels: [],
    summary: `${shopService.name}: most cache lookups fail, reads fall through to Postgres`,
    description:
      'Share of item-cache lookups that errored: {{ $value | humanizePercentage }}. Requests still succeed from Postgres, ' +
      'whose load rises by the cache hit ratio.',
  },
  telemetryMissing: {
    alert: 'ShopApiTelemetryMissing',
    // A runtime gauge every replica exports each interval whether or not it has traffic; only once some
    // arrived in the last six hours, so a lab that is still starting (no export yet) does not alert.
    expr: `absent_over_time(${heap}{${job}}[3m]) and on () count(present_over_time(${heap}{${job}}[6h])) > 0`,
    for: '2m',
    resultLabels: [l.job],
    summary: `${shopService.name}: no metrics have arrived for 3 minutes`,
    description:
      'Every replica exports its runtime metrics over OTLP each minute; none arrived. Either no replica runs, or the path ' +
      'to the Collector is down: Traefik\'s request rate tells which (it is scraped, not pushed).',
  },
  eventLoopSaturated: {
    alert: 'ShopApiEventLoopSaturated',
    expr: `max by (${l.instance}) (${runtimeProm.eventLoopUtilization}{${job}}) > 0.6`,
    for: '3m',
    resultLabels: [l.instance],
    summary: `${shopService.name}: a replica's event loop is busy more than 60% of the time`,
    description:
      'Event loop utilization of {{ $labels.instance }}: {{ $value | humanizePercentage }}. Every request on that replica ' +
      'waits behind the work that keeps it busy; its event-loop delay and all its routes\' latency rise together.',
  },
  memoryGrowing: {
    alert: 'ShopApiMemoryGrowing',
    // Floors of the heap (what is left after collections), now against ten minutes ago: a sawtooth of
    // garbage does not move its floor, retained memory does.
    expr:
      `sum by (${l.instance}) (min_over_time(${heap}{${job}}[5m])) - sum by (${l.instance}) (min_over_time(${heap}{${job}}[5m] offset 10m)) > ${32 * mib}`,
    for: '2m',
    resultLabels: [l.instance],
    summary: `${shopService.name}: a replica's heap floor grew by more than 32 MiB in 10 minutes`,
    description:
      'The heap left after garbage collection on {{ $labels.instance }} grew by {{ $value | humanize1024 }}B in 10 minutes: ' +
      'something retains memory. It resolves when growth stops, not when the memory is released.',
  },
} as const satisfies Record<string, SymptomAlert>;

export const symptomSeverity: Severity = 'ticket';

export function symptomAlertRules(): RuleGroup {
  const rules: AlertingRule[] = Object.values(symptomAlerts).map((a: SymptomAlert) => ({
    alert: a.alert,
    expr: a.expr,
    for: a.for,
    labels: { service: shopService.name, severity: symptomSeverity },
    annotations: { summary: a.summary, description: a.description, dashboard: `/d/${dashboardUids.failureLab}` },
  }));
  return { name: `${shopService.name}:symptoms`, rules };
}
