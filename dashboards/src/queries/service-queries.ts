/**
 * PromQL and LogQL about the shop service, built from the translated metric names. Grafana macros
 * ($__rate_interval, ${route}) stay in the text; the query tests substitute them before parsing.
 */
import { serviceLabels as l, runtimeProm, serviceCounters, serviceProm } from '../metrics/service-metrics';
import { shopService } from '../service-identity';

const job = `${l.job}="${shopService.name}"`;
const notProbe = `${l.route}!~"${shopService.probeRouteRegex}"`;
const duration = serviceProm.httpServerRequestDuration;

/** Label matchers for user traffic, optionally narrowed to the dashboard's route variable or a regex. */
export function httpMatchers(route?: string, extra: readonly string[] = []): string {
  const routeMatcher = route ? [`${l.route}=~"${route}"`] : [];
  return `{${[job, notProbe, ...routeMatcher, ...extra].join(', ')}}`;
}

export const routeVariable = '${route}';
export const rateInterval = '$__rate_interval';

export const http = {
  requestRate: (route?: string, by: string = l.route) =>
    `sum by (${by}) (rate(${duration}_count${httpMatchers(route)}[${rateInterval}]))`,
  errorRatio: (route?: string, by: string = l.route) =>
    `sum by (${by}) (rate(${duration}_count${httpMatchers(route, [`${l.statusCode}=~"5.."`])}[${rateInterval}]))` +
    ` / sum by (${by}) (rate(${duration}_count${httpMatchers(route)}[${rateInterval}]))`,
  byStatus: (route?: string) =>
    `sum by (${l.statusCode}) (rate(${duration}_count${httpMatchers(route)}[${rateInterval}]))`,
  quantile: (q: number, route?: string, by: string = l.route) =>
    `histogram_quantile(${q}, sum by (le, ${by}) (rate(${duration}_bucket${httpMatchers(route)}[${rateInterval}])))`,
  perInstance: () => `sum by (${l.instance}) (rate(${duration}_count${httpMatchers()}[${rateInterval}]))`,
  errorsByType: (route?: string) =>
    `sum by (${l.route}, ${l.statusCode}) (rate(${duration}_count${httpMatchers(route, [`${l.statusCode}=~"[45].."`])}[${rateInterval}]))`,
  /** Share of requests slower than a histogram bucket boundary (the latency SLO's notion of "slow"). */
  slowShare: (route: string, thresholdSeconds: number) =>
    `1 - (sum(rate(${duration}_bucket${httpMatchers(route, [`le="${thresholdSeconds}"`])}[${rateInterval}]))` +
    ` / sum(rate(${duration}_count${httpMatchers(route)}[${rateInterval}])))`,
};

const db = serviceProm.dbClientOperationDuration;
export const database = {
  slowestStatements: (q: number) =>
    `topk(10, histogram_quantile(${q}, sum by (le, ${l.dbOperation}, ${l.dbCollection}) (rate(${db}_bucket{${job}}[${rateInterval}]))))`,
  callRate: () => `sum by (${l.dbOperation}, ${l.dbCollection}) (rate(${db}_count{${job}}[${rateInterval}]))`,
  p99ByOperation: () =>
    `histogram_quantile(0.99, sum by (le, ${l.dbOperation}) (rate(${db}_bucket{${job}}[${rateInterval}])))`,
  errorsByType: () =>
    `sum by (${l.dbOperation}, ${l.errorType}) (rate(${db}_count{${job}, ${l.errorType}!=""}[${rateInterval}]))`,
};

const cache = serviceCounters.cacheLookups;
export const caching = {
  hitRatio: () =>
    `sum(rate(${cache}{${job}, ${l.cacheResult}="hit"}[${rateInterval}])) / sum(rate(${cache}{${job}}[${rateInterval}]))`,
  lookupsByResult: () => `sum by (${l.cacheResult}) (rate(${cache}{${job}}[${rateInterval}]))`,
};

export const tasks = {
  queueDepth: () => `sum by (${l.taskType}) (${serviceProm.taskQueueDepth}{${job}})`,
  durationP95: () =>
    `histogram_quantile(0.95, sum by (le, ${l.taskType}, ${l.taskOutcome}) (rate(${serviceProm.taskDuration}_bucket{${job}}[${rateInterval}])))`,
  outcomes: () =>
    `sum by (${l.taskOutcome}) (rate(${serviceProm.taskDuration}_count{${job}}[${rateInterval}]))`,
};

export const orders = {
  byOutcome: () => `sum by (${l.orderOutcome}) (rate(${serviceCounters.orders}{${job}}[${rateInterval}]))`,
};

export const runtime = {
  eventLoopDelayP99: () => `max by (${l.instance}) (${runtimeProm.eventLoopDelayP99}{${job}})`,
  eventLoopUtilization: () => `avg by (${l.instance}) (${runtimeProm.eventLoopUtilization}{${job}})`,
  heapUsed: () => `sum by (${l.instance}) (${runtimeProm.heapUsed}{${job}})`,
  gcTimeRatio: () => `sum by (${l.instance}) (rate(${runtimeProm.gcDuration}_sum{${job}}[${rateInterval}]))`,
};

/** LogQL: OTLP logs land in Loki with the `service_name` label; severity and trace ids are structured metadata. */
export const logs = {
  stream: `{service_name="${shopService.name}"}`,
  warningsAndErrors: () => `${logs.stream} | severity_text=~"(?i)(warn|error|fatal)"`,
  errors: () => `${logs.stream} | severity_text=~"(?i)(error|fatal)"`,
  volumeBySeverity: () => `sum by (severity_text) (count_over_time(${logs.stream} | severity_text!="" [$__auto]))`,
  containing: (text: string) => `${logs.stream} |= "${text}"`,
};

/** TraceQL over the service's spans. */
export const traces = {
  failingRequests: (route: string) =>
    `{ resource.service.name = "${shopService.name}" && span.http.route =~ "${route}" && kind = server && status = error }`,
  slowRequests: (route: string, over: string) =>
    `{ resource.service.name = "${shopService.name}" && span.http.route =~ "${route}" && kind = server && duration > ${over} }`,
  slowSql: (over: string) =>
    `{ resource.service.name = "${shopService.name}" && span.db.system.name = "postgresql" && duration > ${over} } | select(span.db.query.text, span.db.operation.name)`,
};
