/**
 * Offline checks of a k6 `options` object, mirroring the rules k6 applies when it loads a script: executor
 * fields, duration syntax, threshold expression grammar (k6's metrics/thresholds_parser.go), metric-name
 * selectors (metrics.ParseMetricName), and which aggregations each metric type supports.
 */
import type { Options, Scenario } from 'k6/options';

export type MetricType = 'counter' | 'rate' | 'trend' | 'gauge';

/** k6's built-in metrics (HTTP, execution, network) and their types. */
export const builtinMetrics: Readonly<Record<string, MetricType>> = {
  vus: 'gauge',
  vus_max: 'gauge',
  iterations: 'counter',
  iteration_duration: 'trend',
  dropped_iterations: 'counter',
  data_received: 'counter',
  data_sent: 'counter',
  checks: 'rate',
  http_reqs: 'counter',
  http_req_blocked: 'trend',
  http_req_connecting: 'trend',
  http_req_tls_handshaking: 'trend',
  http_req_sending: 'trend',
  http_req_waiting: 'trend',
  http_req_receiving: 'trend',
  http_req_duration: 'trend',
  http_req_failed: 'rate',
};

const aggregationsByType: Readonly<Record<MetricType, readonly string[]>> = {
  counter: ['count', 'rate'],
  gauge: ['value'],
  rate: ['rate'],
  trend: ['avg', 'min', 'med', 'max', 'p'],
};

const durationPattern = /^(\d+(\.\d+)?(ms|s|m|h))+$/;
const operators = ['<=', '<', '>=', '>', '===', '==', '!='] as const;

export interface ParsedSelector {
  readonly metric: string;
  readonly tags: ReadonlyArray<readonly [string, string]>;
}

export function parseMetricSelector(name: string): ParsedSelector {
  const open = name.indexOf('{');
  const close = name.lastIndexOf('}');
  if (open === -1 && close === -1) return { metric: name, tags: [] };
  if (open === -1 || close === -1 || close < open || close !== name.length - 1) {
    throw new Error(`malformed metric selector ${name}`);
  }
  const tags = name
    .slice(open + 1, close)
    .split(',')
    .map((pair): readonly [string, string] => {
      const at = pair.indexOf(':');
      const key = at === -1 ? pair.trim() : pair.slice(0, at).trim();
      const value = at === -1 ? '' : pair.slice(at + 1).trim();
      if (key === '' || value === '') throw new Error(`malformed tag selector ${pair} in ${name}`);
      return [key, value];
    });
  return { metric: name.slice(0, open), tags };
}

export interface ParsedExpression {
  readonly aggregation: string;
  readonly percentile?: number;
  readonly operator: string;
  readonly value: number;
}

export function parseThresholdExpression(expression: string): ParsedExpression {
  for (const operator of operators) {
    const at = expression.indexOf(operator);
    if (at === -1) continue;
    const left = expression.slice(0, at).trim();
    const right = expression.slice(at + operator.length).trim();
    if (right === '') continue;
    const value = Number(right);
    if (!Number.isFinite(value)) throw new Error(`threshold ${expression}: right-hand side is not a number`);
    const percentile = /^p\((\d+(\.\d+)?)\)$/.exec(left);
    if (percentile) {
      const p = Number(percentile[1]);
      if (p < 0 || p > 100) throw new Error(`threshold ${expression}: percentile out of range`);
      return { aggregation: 'p', percentile: p, operator, value };
    }
    if (!['value', 'count', 'rate', 'avg', 'min', 'med', 'max'].includes(left)) {
      throw new Error(`threshold ${expression}: unknown aggregation ${left}`);
    }
    return { aggregation: left, operator, value };
  }
  throw new Error(`threshold ${expression}: no comparison operator`);
}

export interface CheckContext {
  /** Functions the script exports (a scenario's `exec` must name one). */
  readonly exportedFunctions: ReadonlySet<string>;
  /** Custom metrics the script's modules declare, with their types. */
  readonly customMetrics: Readonly<Record<string, MetricType>>;
  /** Allowed values per tag key, where the test knows them (e.g. route). */
  readonly knownTagValues: Readonly<Record<string, ReadonlySet<string>>>;
}

function requireDuration(where: string, value: unknown): void {
  if (typeof value !== 'string' || !durationPattern.test(value)) throw new Error(`${where}: not a k6 duration: ${String(value)}`);
}

function requirePositive(where: string, value: unknown, allowZero = false): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) {
    throw new Error(`${where}: expected a positive number, got ${String(value)}`);
  }
}

function checkScenario(name: string, scenario: Scenario, context: CheckContext): void {
  const where = `scenario ${name}`;
  const exec = scenario.exec ?? 'default';
  if (!context.exportedFunctions.has(exec)) throw new Error(`${where}: exec ${exec} is not an exported function of the script`);
  if (scenario.startTime !== undefined) requireDuration(`${where}.startTime`, scenario.startTime);
  if (scenario.gracefulStop !== undefined) requireDuration(`${where}.gracefulStop`, scenario.gracefulStop);
  for (const [key, value] of Object.entries(scenario.tags ?? {})) {
    if (typeof value !== 'string' || value === '') throw new Error(`${where}: tag ${key} must be a non-empty string`);
  }
  switch (scenario.executor) {
    case 'shared-iterations':
    case 'per-vu-iterations':
      if (scenario.vus !== undefined) requirePositive(`${where}.vus`, scenario.vus);
      if (scenario.iterations !== undefined) requirePositive(`${where}.iterations`, scenario.iterations);
      if (scenario.maxDuration !== undefined) requireDuration(`${where}.maxDuration`, scenario.maxDuration);
      break;
    case 'constant-vus':
      requirePositive(`${where}.vus`, scenario.vus);
      requireDuration(`${where}.duration`, scenario.duration);
      break;
    case 'ramping-vus':
      if (scenario.stages.length === 0) throw new Error(`${where}: no stages`);
      for (const stage of scenario.stages) {
        requireDuration(`${where}.stages[].duration`, stage.duration);
        requirePositive(`${where}.stages[].target`, stage.target, true);
      }
      break;
    case 'constant-arrival-rate':
      requirePositive(`${where}.rate`, scenario.rate);
      requireDuration(`${where}.duration`, scenario.duration);
      if (scenario.timeUnit !== undefined) requireDuration(`${where}.timeUnit`, scenario.timeUnit);
      requirePositive(`${where}.preAllocatedVUs`, scenario.preAllocatedVUs);
      if (scenario.maxVUs !== undefined && scenario.maxVUs < scenario.preAllocatedVUs) {
        throw new Error(`${where}: maxVUs ${scenario.maxVUs} < preAllocatedVUs ${scenario.preAllocatedVUs}`);
      }
      break;
    case 'ramping-arrival-rate':
      if (scenario.stages.length === 0) throw new Error(`${where}: no stages`);
      for (const stage of scenario.stages) {
        requireDuration(`${where}.stages[].duration`, stage.duration);
        requirePositive(`${where}.stages[].target`, stage.target, true);
      }
      if (scenario.timeUnit !== undefined) requireDuration(`${where}.timeUnit`, scenario.timeUnit);
      requirePositive(`${where}.preAllocatedVUs`, scenario.preAllocatedVUs);
      if (scenario.maxVUs !== undefined && scenario.maxVUs < scenario.preAllocatedVUs) {
        throw new Error(`${where}: maxVUs ${scenario.maxVUs} < preAllocatedVUs ${scenario.preAllocatedVUs}`);
      }
      break;
    default:
      throw new Error(`${where}: unknown executor ${(scenario as { executor: string }).executor}`);
  }
}

function checkThreshold(selector: string, expressions: unknown, context: CheckContext): void {
  const { metric, tags } = parseMetricSelector(selector);
  const type = builtinMetrics[metric] ?? context.customMetrics[metric];
  if (!type) throw new Error(`threshold ${selector}: metric ${metric} is neither built in nor declared by the script`);
  for (const [key, value] of tags) {
    const known = context.knownTagValues[key];
    if (known && !known.has(value)) throw new Error(`threshold ${selector}: no request is tagged ${key}:${value}`);
  }
  if (!Array.isArray(expressions) || expressions.length === 0) throw new Error(`threshold ${selector}: no expressions`);
  for (const entry of expressions) {
    const expression = typeof entry === 'string' ? entry : (entry as { threshold?: unknown }).threshold;
    if (typeof expression !== 'string') throw new Error(`threshold ${selector}: expression must be a string`);
    const parsed = parseThresholdExpression(expression);
    if (!aggregationsByType[type].includes(parsed.aggregation)) {
      throw new Error(`threshold ${selector}: ${parsed.aggregation} does not apply to a ${type} metric`);
    }
    if (type === 'rate' && (parsed.value < 0 || parsed.value > 1)) throw new Error(`threshold ${selector}: a rate is within 0..1`);
  }
}

/** Throws on the first problem; returns the number of thresholds checked. */
export function checkOptions(options: Options, context: CheckContext): number {
  const scenarios = Object.entries(options.scenarios ?? {});
  if (scenarios.length === 0) throw new Error('options declare no scenario');
  for (const [name, scenario] of scenarios) checkScenario(name, scenario, context);
  const thresholds = Object.entries(options.thresholds ?? {});
  if (thresholds.length === 0) throw new Error('options declare no threshold: nothing could fail the run');
  for (const [selector, expressions] of thresholds) checkThreshold(selector, expressions, context);
  return thresholds.length;
}
