/**
 * The failure lab's scenario catalogue: each a named fault setting (the stack's `faults` config, typed by
 * the program's own model), the k6 scenario that drives traffic through it, and what a user then sees: the
 * failure-lab panel that moves, the alerts that fire (and by when, as `promtool test rules` checks them),
 * the trace that shows the cause. The Pulumi program takes `faultScenario: <name>` as the base of its
 * faults; the failure-lab dashboard, the walkthrough and the README render from this list.
 */
import type { FaultSettings } from '@lab/service/failure-lab';
import type { ScenarioName } from '@lab/load';
import type { PromQuery } from '../panels/targets';
import { collector, traefik } from '../queries/platform-queries';
import { symptoms } from '../queries/fault-queries';
import { caching, http, traces } from '../queries/service-queries';
import { alertName } from '../slo/prometheus-rules';
import { serviceLevelObjectives } from '../slo/slo';
import { databaseSlowSeconds, symptomAlerts, symptomSeverity } from '../rules/symptom-alerts';
import type { Severity } from '../slo/burn-rate-policy';
import { shopService } from '../service-identity';
import { serviceProfileTypes } from '../datasources';
import { faultConfigCommands } from './config-commands';

export const faultScenarioNames = [
  'db-latency',
  'db-outage',
  'cache-outage',
  'error-burst',
  'slow-queries',
  'telemetry-outage',
  'cpu-hog',
  'memory-leak',
] as const;
export type FaultScenarioName = (typeof faultScenarioNames)[number];

export interface ExpectedAlert {
  readonly alert: string;
  readonly severity: Severity;
  /**
   * Minutes after the fault starts by which the alert fires, after six hours of healthy traffic (the burn-rate
   * windows are then full, the slowest case): the first minute promtool sees it firing on the series the
   * program's rehearsal recorded from two real replicas under the fault (`npm run rehearse`;
   * infra-program/rehearsal/results), plus one for the lab's 60 s metric export. infra-program's tests check it
   * fires by then on those recordings, and not two minutes before.
   */
  readonly withinMinutes: number;
}

export interface FaultScenario {
  readonly name: FaultScenarioName;
  readonly summary: string;
  readonly faults: FaultSettings;
  /** A k6 scenario of @lab/load (`pulumi config set k6Scenario <scenario>`), and why that one. */
  readonly k6: { readonly scenario: ScenarioName; readonly why: string };
  /** The panel of the failure-lab dashboard that moves (its row is this scenario's). */
  readonly panel: { readonly title: string; readonly description: string; readonly unit: string; readonly queries: readonly PromQuery[] };
  readonly alerts: readonly ExpectedAlert[];
  /** Where the cause shows in a trace, and a TraceQL search that finds such traces (none when no trace can). */
  readonly trace: { readonly look: string; readonly query?: string };
  /**
   * Where the cause shows in the service's profiles (Pyroscope), when a trace cannot show it: the profile type
   * (one of `serviceProfileTypes`) and what its flame graph names.
   */
  readonly profile?: { readonly type: keyof typeof serviceProfileTypes; readonly look: string };
}

const availability = serviceLevelObjectives.find((s) => s.sli.kind === 'availability')!;
const ticket = (alert: { alert: string }, withinMinutes: number): ExpectedAlert => ({ alert: alert.alert, severity: symptomSeverity, withinMinutes });
const availabilityPage = (withinMinutes: number): ExpectedAlert => ({ alert: alertName(availability, 'page'), severity: 'page', withinMinutes });

const slowDatabasePanel = {
  title: `Database operations over ${databaseSlowSeconds * 1000} ms, and their p99`,
  description: `Share of Postgres statements slower than the ${symptomAlerts.databaseSlow.alert} threshold, and p99 of all statements (s).`,
  unit: 'percentunit',
  queries: [
    { expr: symptoms.databaseSlowShare(databaseSlowSeconds), legend: 'share over threshold' },
    { expr: symptoms.databaseP99(), legend: 'p99 (s)' },
  ],
} as const;

const shopSpans = `resource.service.name = "${shopService.name}"`;

export const faultScenarios: readonly FaultScenario[] = [
  {
    name: 'db-latency',
    summary: 'Every Postgres round trip takes 250 ms (± 50) longer: the link is slow, the database is not.',
    faults: { postgres: { latencyMs: 250, jitterMs: 50 } },
    k6: { scenario: 'soak', why: 'a steady 15 requests/s for an hour, so the change shows against a flat line' },
    panel: slowDatabasePanel,
    alerts: [ticket(symptomAlerts.databaseSlow, 5)],
    trace: {
      look:
        'Every Postgres CLIENT span lasts at least the injected 250 ms, whatever its statement (`db.query.text`): a plain primary-key ' +
        'SELECT is as slow as the rest, so the time is on the way to the database, not in it. Cached item reads stay fast.',
      query: traces.slowSql('200ms'),
    },
  },
  {
    name: 'db-outage',
    summary: 'Postgres is unreachable: new connections are refused and open ones closed.',
    faults: { postgres: { down: true } },
    k6: { scenario: 'soak', why: 'steady traffic shows the 503s start, hold and stop when the fault is removed' },
    panel: {
      title: 'Responses by status code',
      description:
        'Requests/s by status: 503 (database unavailable, with Retry-After) replaces the 2xx of every route that needs Postgres. ' +
        'The replicas stay behind the load balancer (readiness answers 200 degraded for an outage they all share), so these are their 503s, counted by their own metrics.',
      unit: 'reqps',
      queries: [{ expr: http.byStatus(), legend: '{{http_response_status_code}}' }],
    },
    alerts: [ticket(symptomAlerts.databaseUnavailable, 3), availabilityPage(9)],
    trace: {
      look:
        'The SERVER span answers 503 and ends within milliseconds; its Postgres CLIENT span (when the statement was sent) is red with ' +
        'the connection error, or there is none because the service knew the database was down and refused before sending.',
      query: `{ ${shopSpans} && kind = server && span.http.response.status_code = 503 }`,
    },
  },
  {
    name: 'cache-outage',
    summary: 'Redis is unreachable: every cache lookup fails and item reads go to Postgres, with no 5xx.',
    faults: { redis: { down: true } },
    k6: { scenario: 'soak', why: 'its mix is mostly cached item reads, the traffic the cache normally absorbs' },
    panel: {
      title: 'Cache lookups by result, and database calls/s',
      description: 'Lookups by result (hit, miss, error): errors replace hits. Database calls/s rise by the reads the cache used to serve.',
      unit: 'ops',
      queries: [
        { expr: caching.lookupsByResult(), legend: 'lookups {{cache_result}}' },
        { expr: symptoms.databaseCalls(), legend: 'database calls' },
      ],
    },
    alerts: [ticket(symptomAlerts.cacheFailing, 6)],
    trace: {
      look:
        'An item read has a red Redis CLIENT span (`get`, a connection error, in microseconds) followed by a Postgres SELECT: the ' +
        'request still answers 200.',
      query: `{ ${shopSpans} && span.db.system.name = "redis" && status = error }`,
    },
  },
  {
    name: 'error-burst',
    summary: 'Half of the requests to every API route are answered 500 by a feature flag.',
    faults: { app: { errorRate: { ratio: 0.5 } } },
    k6: { scenario: 'soak', why: 'the availability burn rate needs minutes of steady traffic to cross its thresholds' },
    panel: {
      title: 'Server error ratio by route',
      description: 'Share of 5xx per route: about the flag\'s ratio on every route it targets.',
      unit: 'percentunit',
      queries: [{ expr: http.errorRatio(), legend: '{{http_route}}' }],
    },
    alerts: [availabilityPage(12)],
    trace: {
      look:
        'The failing SERVER span is red with no failing child and `error.type` = `InjectedFault`; its `feature_flag.evaluation` event ' +
        'names the flag (`http-error-rate`) and the value it resolved to, which is the cause.',
      query: `{ ${shopSpans} && kind = server && status = error && span.error.type = "InjectedFault" }`,
    },
  },
  {
    name: 'slow-queries',
    summary: 'A feature flag runs a 300 ms `pg_sleep` before each request\'s database work.',
    faults: { app: { slowQueryMs: 300 } },
    k6: { scenario: 'soak', why: 'steady traffic keeps the pool busy with the sleeping statements' },
    panel: slowDatabasePanel,
    alerts: [ticket(symptomAlerts.databaseSlow, 5)],
    trace: {
      look:
        'One Postgres CLIENT span per request is the `pg_sleep` statement (see `db.query.text`) and takes the 300 ms; the real ' +
        'statements after it are as fast as ever. Compare db-latency, where every statement is slow: same alert, other cause.',
      query: `{ ${shopSpans} && span.db.system.name = "postgresql" && span.db.query.text =~ ".*pg_sleep.*" }`,
    },
  },
  {
    name: 'telemetry-outage',
    summary: 'The path from the replicas to the Collector is down: the shop keeps serving, its telemetry stops arriving.',
    faults: { collector: { down: true } },
    k6: { scenario: 'soak', why: 'traffic at the edge continues, so the gap is in the telemetry, not in the traffic' },
    panel: {
      title: 'Collector intake vs traffic at the edge',
      description:
        'Metric points and log records the Collector accepts (only the replicas send them) fall to zero while Traefik, which is scraped ' +
        'and sends its spans directly, still sees the requests.',
      unit: 'short',
      queries: [
        ...collector.accepted().filter((q) => !q.legend.endsWith('spans')),
        { expr: traefik.requests(), legend: 'Traefik requests/s' },
      ],
    },
    alerts: [ticket(symptomAlerts.telemetryMissing, 7)],
    trace: {
      look:
        'Traefik\'s own spans still arrive (it reaches the Collector directly): open one of its traces from the outage and it ends at ' +
        'the edge, with no shop-api span below. The replicas drop what their export queues cannot hold.',
      // Tempo's negated structural operators need spans on both sides (grafana/tempo pkg/traceql, SpansetOperation.joinSpansets), so
      // "Traefik spans without a shop-api descendant" finds nothing when no shop-api span arrived: list the edge's traces.
      query: '{ resource.service.name = "traefik" && kind = server }',
    },
  },
  {
    name: 'cpu-hog',
    summary: 'A feature flag makes a busy loop burn 75% of each replica\'s event loop.',
    faults: { app: { cpuHogPercent: 75 } },
    k6: { scenario: 'load-test', why: 'its ramp to 30 requests/s shows latency grow with the arrival rate on a loop with a quarter of its time left' },
    panel: {
      title: 'Event loop utilization and delay per replica',
      description: 'Event loop utilization (0-1) per replica climbs to the hog\'s share; event-loop delay p99 (s) rises with it.',
      unit: 'percentunit',
      queries: [
        { expr: symptoms.eventLoopUtilization(), legend: 'utilization {{instance}}' },
        { expr: symptoms.eventLoopDelayP99(), legend: 'delay p99 {{instance}} (s)' },
      ],
    },
    alerts: [ticket(symptomAlerts.eventLoopSaturated, 5)],
    trace: {
      look:
        'SERVER spans are long with gaps between and before their children: the request waited for the event loop, no dependency was ' +
        'slow. The hog\'s flag is read outside requests, so no span names it; the failure lab\'s flag-evaluation panel shows `cpu-hog-percent` on.',
      query: traces.slowRequests('/api/.*', '250ms'),
    },
    profile: {
      type: 'cpu',
      look:
        'The CPU flame graph of any replica (Pyroscope, `service_name="shop-api"`) is three quarters `spin` under `tick` ' +
        '(service/src/faults/cpu-hog.ts), with no `span_id`: the time is burned outside every request. "Profiles for this span" on a ' +
        'slow request shows its own samples, which are few: the request mostly waited.',
    },
  },
  {
    name: 'memory-leak',
    summary: 'A feature flag makes each replica retain 12 MiB more heap a minute, up to 64 MiB, then hold it.',
    faults: { app: { memoryLeak: { mbPerMinute: 12, capMb: 64 } } },
    k6: { scenario: 'soak', why: 'a soak is where leaks show: steady traffic, a heap floor that should stay flat' },
    panel: {
      title: 'Heap used per replica',
      description: 'V8 heap used per replica: the sawtooth of garbage rides on a floor that climbs until the cap, then holds.',
      unit: 'bytes',
      queries: [{ expr: symptoms.heapUsed(), legend: '{{instance}}' }],
    },
    alerts: [ticket(symptomAlerts.memoryGrowing, 11)],
    trace: {
      look: 'No trace shows a leak: requests look normal until garbage collection pauses lengthen them. The cause is in the heap panel.',
    },
    profile: {
      type: 'heap',
      look:
        'The heap (`inuse_space`) flame graph grows one allocation site: `newChunk` under `advance` (service/src/faults/memory-leak.ts), ' +
        'which holds the retained MiB; compare two time ranges (before and after the fault) to see only it grow.',
    },
  },
];

/** The title of the scenario's panel on the failure-lab dashboard. */
export function scenarioPanelTitle(scenario: FaultScenario): string {
  return `${scenario.name}: ${scenario.panel.title}`;
}

/** The title of the scenario's trace search on the failure-lab dashboard. */
export function scenarioTraceTitle(scenario: FaultScenario): string {
  return `${scenario.name}: traces that show the cause`;
}

export function faultScenario(name: FaultScenarioName): FaultScenario {
  const scenario = faultScenarios.find((s) => s.name === name);
  if (!scenario) throw new Error(`no fault scenario ${name}`);
  return scenario;
}

/** `pulumi config set --path ...` for the scenario's faults, derived from its setting. */
export function scenarioConfigCommands(scenario: FaultScenario): string[] {
  return faultConfigCommands(scenario.faults);
}
