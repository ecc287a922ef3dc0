import { faultBounds, faultLinks, memoryLeakCapBounds, type AppFaults, type FaultLink, type FaultSettings, type LinkFaults } from './model';

/** What the checks need besides the model: the limits that depend on the rest of the platform. */
export interface FaultRules {
  /** The service's routes a route-scoped fault may name (http.route patterns). */
  readonly routes: readonly string[];
  /** Each replica's memory limit, MiB: the memory leak's cap must leave it room to serve. */
  readonly replicaMemoryMb: number;
}

/** A named set of faults from the scenario catalogue. */
export interface FaultScenarioLike {
  readonly name: string;
  readonly faults: FaultSettings;
}

/** The knob value that selects no scenario. */
export const noFaultScenario = 'none';

export interface FaultReading {
  /** The faults in effect: the scenario's, with the explicit `faults` on top. */
  readonly faults: FaultSettings;
  readonly scenario: string;
  /** Every problem found, each naming its full key; empty when the config is valid. */
  readonly problems: readonly string[];
}

/**
 * Reads the `faults` and `faultScenario` knobs. `faults` arrives as the JSON text of an object (the CLI
 * stores `pulumi config set --path` values in one object); with `--path`, pulumi coerces `true`/`false` and
 * plain integers but keeps `0.5` a string (pulumi/pulumi sdk/go/common/resource/config/object.go, coerce),
 * so a numeric field also takes a decimal string.
 */
export function readFaults(
  project: string,
  raw: { faults: string | undefined; faultScenario: string | undefined },
  scenarios: readonly FaultScenarioLike[],
  rules: FaultRules,
): FaultReading {
  const problems: string[] = [];
  const scenarioKey = `${project}:faultScenario`;
  const scenarioName = raw.faultScenario === undefined || raw.faultScenario === '' ? noFaultScenario : raw.faultScenario;
  let base: FaultSettings = {};
  if (scenarioName !== noFaultScenario) {
    const found = scenarios.find((scenario) => scenario.name === scenarioName);
    if (found) base = found.faults;
    else {
      const known = [noFaultScenario, ...scenarios.map((scenario) => scenario.name)].join(', ');
      problems.push(`${scenarioKey} must be one of ${known} (got ${JSON.stringify(scenarioName)})`);
    }
  }

  let explicit: unknown = {};
  if (raw.faults !== undefined && raw.faults !== '') {
    try {
      explicit = JSON.parse(raw.faults);
    } catch {
      explicit = raw.faults;
    }
  }
  const key = `${project}:faults`;
  // Checked after the merge, so an explicit field may complete a scenario's composite fault (its routes
  // with a new ratio); the scenario's own values are valid (a test checks every catalogue entry).
  const merged = withoutSwitchedOffDetails(checkShape(deepMerge(base, explicit), key, rules, problems));
  checkCombinations(merged, key, scenarioName, problems);
  return { faults: merged, scenario: scenarioName, problems };
}

/** Validates a catalogue entry on its own, as the program would read it if it were set as `faults`. */
export function scenarioProblems(scenario: FaultScenarioLike, rules: FaultRules): string[] {
  const problems: string[] = [];
  const key = `scenario ${scenario.name}: faults`;
  const shaped = checkShape(scenario.faults, key, rules, problems);
  checkCombinations(shaped, key, noFaultScenario, problems);
  return problems;
}

/**
 * The explicit faults on top of the scenario's, field by field: setting `faults.postgres.jitterMs` keeps the
 * scenario's latency; a list (routes) is replaced as a whole.
 */
export function mergeFaults(base: FaultSettings, top: FaultSettings): FaultSettings {
  return deepMerge(base, top) as FaultSettings;
}

function deepMerge(base: unknown, top: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(top)) return top === undefined ? base : top;
  const result: Record<string, unknown> = { ...base };
  for (const [name, value] of Object.entries(top)) result[name] = deepMerge(base[name], value);
  return result;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

type Problems = string[];
type Range = { readonly min: number; readonly max: number };

/** Every field of a link's and of the app's faults (the README's table lists each). */
export const linkFields = ['down', 'latencyMs', 'jitterMs', 'bandwidthKBps', 'timeoutMs', 'resetPeerMs', 'slicer', 'toxicity'] as const satisfies readonly (keyof LinkFaults)[];
export const appFields = ['errorRate', 'latency', 'cacheBypass', 'slowQueryMs', 'cpuHogPercent', 'memoryLeak'] as const satisfies readonly (keyof AppFaults)[];

/** Type and bound of every field, unknown keys refused; what is valid is kept, each problem is recorded. */
function checkShape(value: unknown, key: string, rules: FaultRules, problems: Problems): FaultSettings {
  const object = fields(value, key, [...faultLinks, 'app'], problems);
  const settings: { -readonly [name in FaultLink | 'app']?: unknown } = {};
  for (const link of faultLinks) {
    if (object[link] !== undefined) settings[link] = checkLink(object[link], `${key}.${link}`, problems);
  }
  if (object.app !== undefined) settings.app = checkApp(object.app, `${key}.app`, rules, problems);
  return settings as FaultSettings;
}

function checkLink(value: unknown, key: string, problems: Problems): LinkFaults {
  const object = fields(value, key, linkFields, problems);
  const link: Record<string, unknown> = {};
  const put = (name: string, checked: unknown) => {
    if (checked !== undefined) link[name] = checked;
  };
  put('down', bool(object.down, `${key}.down`, problems));
  put('latencyMs', integer(object.latencyMs, `${key}.latencyMs`, faultBounds.latencyMs, problems));
  put('jitterMs', integer(object.jitterMs, `${key}.jitterMs`, faultBounds.jitterMs, problems));
  put('bandwidthKBps', integer(object.bandwidthKBps, `${key}.bandwidthKBps`, faultBounds.bandwidthKBps, problems));
  put('timeoutMs', integer(object.timeoutMs, `${key}.timeoutMs`, faultBounds.timeoutMs, problems));
  put('resetPeerMs', integer(object.resetPeerMs, `${key}.resetPeerMs`, faultBounds.resetPeerMs, problems));
  put('toxicity', fraction(object.toxicity, `${key}.toxicity`, faultBounds.toxicity, problems));
  if (object.slicer !== undefined) {
    const slicerKey = `${key}.slicer`;
    const slicer = fields(object.slicer, slicerKey, ['averageBytes', 'variationBytes', 'delayUs'], problems);
    const averageBytes = required(slicer.averageBytes, `${slicerKey}.averageBytes`, problems, (v, k) => integer(v, k, faultBounds.slicerAverageBytes, problems));
    const delayUs = required(slicer.delayUs, `${slicerKey}.delayUs`, problems, (v, k) => integer(v, k, faultBounds.slicerDelayUs, problems));
    const variationBytes = integer(slicer.variationBytes, `${slicerKey}.variationBytes`, faultBounds.slicerVariationBytes, problems);
    if (averageBytes !== undefined && delayUs !== undefined) {
      link.slicer = { averageBytes, delayUs, ...(variationBytes !== undefined ? { variationBytes } : {}) };
    }
  }
  return link as LinkFaults;
}

function checkApp(value: unknown, key: string, rules: FaultRules, problems: Problems): AppFaults {
  const object = fields(value, key, appFields, problems);
  const app: Record<string, unknown> = {};
  const routed = (raw: unknown, fieldKey: string, valueName: 'ratio' | 'ms', check: (v: unknown, k: string) => number | undefined) => {
    const entry = fields(raw, fieldKey, [valueName, 'routes'], problems);
    const amount = required(entry[valueName], `${fieldKey}.${valueName}`, problems, check);
    const routes = routeList(entry.routes, `${fieldKey}.routes`, rules.routes, problems);
    if (amount === undefined) return undefined;
    return { [valueName]: amount, ...(routes !== undefined ? { routes } : {}) };
  };
  if (object.errorRate !== undefined) {
    const checked = routed(object.errorRate, `${key}.errorRate`, 'ratio', (v, k) => fraction(v, k, faultBounds.errorRatio, problems));
    if (checked) app.errorRate = checked;
  }
  if (object.latency !== undefined) {
    const checked = routed(object.latency, `${key}.latency`, 'ms', (v, k) => integer(v, k, faultBounds.appLatencyMs, problems));
    if (checked) app.latency = checked;
  }
  const cacheBypass = bool(object.cacheBypass, `${key}.cacheBypass`, problems);
  if (cacheBypass !== undefined) app.cacheBypass = cacheBypass;
  const slowQueryMs = integer(object.slowQueryMs, `${key}.slowQueryMs`, faultBounds.slowQueryMs, problems);
  if (slowQueryMs !== undefined) app.slowQueryMs = slowQueryMs;
  const cpuHogPercent = integer(object.cpuHogPercent, `${key}.cpuHogPercent`, faultBounds.cpuHogPercent, problems);
  if (cpuHogPercent !== undefined) app.cpuHogPercent = cpuHogPercent;
  if (object.memoryLeak !== undefined) {
    const leakKey = `${key}.memoryLeak`;
    const leak = fields(object.memoryLeak, leakKey, ['mbPerMinute', 'capMb'], problems);
    const mbPerMinute = required(leak.mbPerMinute, `${leakKey}.mbPerMinute`, problems, (v, k) => integer(v, k, faultBounds.memoryLeakMbPerMinute, problems));
    const capMb = required(leak.capMb, `${leakKey}.capMb`, problems, (v, k) => integer(v, k, memoryLeakCapBounds(rules.replicaMemoryMb), problems));
    if (mbPerMinute !== undefined && capMb !== undefined) app.memoryLeak = { mbPerMinute, capMb };
  }
  return app as AppFaults;
}

/**
 * A part set to its off value takes its details with it, so switching off a scenario's fault on top of it
 * (`faults.postgres.latencyMs 0` over db-latency's 250 ± 50) leaves no orphaned setting to refuse: a latency
 * of 0 is no toxic, and drops its jitter.
 */
function withoutSwitchedOffDetails(settings: FaultSettings): FaultSettings {
  const result: { -readonly [name in FaultLink | 'app']?: unknown } = { ...settings };
  for (const link of faultLinks) {
    const faults = settings[link];
    if (faults?.latencyMs === 0 && faults.jitterMs !== undefined) {
      const { jitterMs: _dropped, ...rest } = faults;
      result[link] = rest;
    }
  }
  return result as FaultSettings;
}

/** Rules that involve two fields, checked on the merged result (a scenario's value may meet an explicit one). */
function checkCombinations(settings: FaultSettings, key: string, scenario: string, problems: Problems): void {
  const from = scenario === noFaultScenario ? '' : ` (with faultScenario ${scenario})`;
  for (const link of faultLinks) {
    const faults = settings[link];
    if (!faults) continue;
    const at = `${key}.${link}`;
    if (faults.jitterMs !== undefined && faults.jitterMs > 0) {
      if (faults.latencyMs === undefined) problems.push(`${at}.jitterMs needs ${at}.latencyMs${from}`);
      else if (faults.jitterMs > faults.latencyMs) {
        problems.push(`${at}.jitterMs must be at most ${at}.latencyMs (${faults.latencyMs})${from} (got ${faults.jitterMs})`);
      }
    }
    if (faults.slicer && faults.slicer.variationBytes !== undefined && faults.slicer.variationBytes >= faults.slicer.averageBytes) {
      problems.push(
        `${at}.slicer.variationBytes must be less than ${at}.slicer.averageBytes (${faults.slicer.averageBytes})${from} (got ${faults.slicer.variationBytes})`,
      );
    }
    const hasToxic = [faults.latencyMs, faults.bandwidthKBps, faults.timeoutMs, faults.resetPeerMs, faults.slicer].some((v) => v !== undefined);
    if (faults.toxicity !== undefined && !hasToxic) {
      problems.push(`${at}.toxicity has no toxic to apply to: set latencyMs, bandwidthKBps, timeoutMs, resetPeerMs or slicer too${from}`);
    }
  }
}

/** An object's fields, after refusing any key not in `known`. */
function fields(value: unknown, key: string, known: readonly string[], problems: Problems): Record<string, unknown> {
  if (!isPlainObject(value)) {
    problems.push(`${key} must be an object with ${known.join(', ')} (got ${JSON.stringify(value)})`);
    return {};
  }
  for (const name of Object.keys(value)) {
    if (!known.includes(name)) problems.push(`${key}.${name} is not a known setting (known: ${known.join(', ')})`);
  }
  return value;
}

function required<T>(value: unknown, key: string, problems: Problems, check: (value: unknown, key: string) => T | undefined): T | undefined {
  if (value === undefined) {
    problems.push(`${key} is required`);
    return undefined;
  }
  return check(value, key);
}

function numeric(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value.trim())) return Number(value);
  return undefined;
}

function integer(value: unknown, key: string, range: Range, problems: Problems): number | undefined {
  if (value === undefined) return undefined;
  const parsed = numeric(value);
  if (parsed === undefined || !Number.isInteger(parsed) || parsed < range.min || parsed > range.max) {
    problems.push(`${key} must be an integer from ${range.min} to ${range.max} (got ${JSON.stringify(value)})`);
    return undefined;
  }
  return parsed;
}

function fraction(value: unknown, key: string, range: Range, problems: Problems): number | undefined {
  if (value === undefined) return undefined;
  const parsed = numeric(value);
  if (parsed === undefined || parsed < range.min || parsed > range.max) {
    problems.push(`${key} must be a number from ${range.min} to ${range.max} (got ${JSON.stringify(value)})`);
    return undefined;
  }
  return parsed;
}

function bool(value: unknown, key: string, problems: Problems): boolean | undefined {
  if (value === undefined) return undefined;
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  problems.push(`${key} must be true or false (got ${JSON.stringify(value)})`);
  return undefined;
}

function routeList(value: unknown, key: string, known: readonly string[], problems: Problems): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length === 0) {
    problems.push(`${key} must be a non-empty list of routes (got ${JSON.stringify(value)})`);
    return undefined;
  }
  const routes: string[] = [];
  value.forEach((route, index) => {
    if (typeof route !== 'string' || !known.includes(route)) {
      problems.push(`${key}[${index}] must be one of the service's routes ${known.join(', ')} (got ${JSON.stringify(route)})`);
    } else if (routes.includes(route)) {
      problems.push(`${key}[${index}] repeats ${route}`);
    } else routes.push(route);
  });
  return routes.length === value.length ? routes : undefined;
}
