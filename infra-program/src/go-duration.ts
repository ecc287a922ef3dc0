/**
 * Durations as the Docker provider reads them back. Its Read stores Go's `time.Duration.String()`
 * (kreuzwerker/terraform-provider-docker v4.5.0, resource_docker_container_funcs.go, healthcheck), so a
 * health check written '60s' comes back '1m0s' and every `pulumi up` or refresh after the first shows a
 * diff. Writing the canonical form in the first place keeps the second run a no-op.
 */

const msPerSecond = 1000;
const msPerMinute = 60 * msPerSecond;
const msPerHour = 60 * msPerMinute;

/** Go's `Duration.String()` of a whole number of milliseconds: 10s, 1m0s, 1m30s, 1h0m0s, 500ms, 1.5s. */
export function goDurationOfMs(ms: number): string {
  if (!Number.isInteger(ms) || ms < 0) throw new Error(`duration ${ms} ms must be a whole, non-negative number of milliseconds`);
  if (ms === 0) return '0s';
  if (ms < msPerSecond) return `${ms}ms`;
  const hours = Math.floor(ms / msPerHour);
  const minutes = Math.floor((ms % msPerHour) / msPerMinute);
  const rest = ms % msPerMinute;
  const fraction = rest % msPerSecond;
  const seconds = `${Math.floor(rest / msPerSecond)}${fraction === 0 ? '' : `.${String(fraction).padStart(3, '0').replace(/0+$/, '')}`}s`;
  if (hours > 0) return `${hours}h${minutes}m${seconds}`;
  if (minutes > 0) return `${minutes}m${seconds}`;
  return seconds;
}

/** Go's `Duration.String()` of a number of seconds (fractions down to the millisecond). */
export function goDuration(seconds: number): string {
  const ms = Math.round(seconds * msPerSecond);
  if (Math.abs(ms - seconds * msPerSecond) > 1e-6) throw new Error(`duration ${seconds} s must be whole milliseconds`);
  return goDurationOfMs(ms);
}

const unitMs: Record<string, number> = { h: msPerHour, m: msPerMinute, s: msPerSecond, ms: 1 };

/** Milliseconds of a Go duration string made of h, m, s and ms terms (what `time.ParseDuration` accepts of them). */
export function parseGoDurationMs(text: string): number {
  if (text === '0') return 0;
  const term = /(\d+(?:\.\d+)?)(ms|h|m|s)/y;
  let total = 0;
  let at = 0;
  while (at < text.length) {
    term.lastIndex = at;
    const match = term.exec(text);
    if (!match) throw new Error(`"${text}" is not a Go duration of h, m, s and ms terms`);
    total += Number(match[1]) * unitMs[match[2]!]!;
    at = term.lastIndex;
  }
  if (text.length === 0) throw new Error('an empty string is not a Go duration');
  return Math.round(total);
}
