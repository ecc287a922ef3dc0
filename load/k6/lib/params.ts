/**
 * Reading scenario parameters from the environment (k6's __ENV, filled by the k6 container's env, which the
 * infra program fills from its Pulumi config). Pure: options modules pass __ENV in, tests pass a plain object.
 */
export type Env = Readonly<Record<string, string | undefined>>;

export function numberParam(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) {
    throw new Error(`parameter ${name} must be a non-negative number, got ${JSON.stringify(raw)}`);
  }
  return value;
}

/** k6 duration strings: one or more number+unit groups, e.g. `90s`, `1m30s`, `500ms`, `2h`. */
export const durationPattern = /^(\d+(\.\d+)?(ms|s|m|h))+$/;

export function durationParam(env: Env, name: string, fallback: string): string {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!durationPattern.test(raw)) {
    throw new Error(`parameter ${name} must be a k6 duration such as 90s or 5m, got ${JSON.stringify(raw)}`);
  }
  return raw;
}

export function stringParam(env: Env, name: string, fallback: string): string {
  const raw = env[name];
  return raw === undefined || raw === '' ? fallback : raw;
}

/** Seconds in a k6 duration string (used to chain scenarios with startTime). */
export function durationSeconds(duration: string): number {
  if (!durationPattern.test(duration)) throw new Error(`not a k6 duration: ${duration}`);
  const factor: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600 };
  let total = 0;
  // An exec loop rather than matchAll: the plainest construct for k6's JavaScript engine.
  const group = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;
  for (let match = group.exec(duration); match !== null; match = group.exec(duration)) {
    total += Number(match[1]) * (factor[match[2] ?? 's'] ?? 1);
  }
  return total;
}
