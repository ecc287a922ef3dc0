import type { Logger as OpenFeatureLogger } from '@openfeature/server-sdk';
import type { Logger } from '../logger';

/** How long the same message is kept out of the log after it was written once. */
const repeatWindowMs = 30_000;

/**
 * The OpenFeature SDK's and the flagd provider's log lines, through pino. While flagd is unreachable the
 * provider retries about twice a second and logs an error each time; a message already written in the last
 * 30 s is dropped, so an outage is a line every 30 s, not a flood.
 */
export function openFeatureLogger(logger: Logger): OpenFeatureLogger {
  const child = logger.child({ component: 'openfeature' });
  const lastWritten = new Map<string, number>();
  const fresh = (message: string) => {
    const now = Date.now();
    const previous = lastWritten.get(message);
    if (previous !== undefined && now - previous < repeatWindowMs) return false;
    // Messages can carry varying details: forget them all rather than grow without bound.
    if (lastWritten.size >= 100) lastWritten.clear();
    lastWritten.set(message, now);
    return true;
  };
  const write = (level: 'error' | 'warn' | 'info' | 'debug') => (...args: unknown[]) => {
    if (!child.isLevelEnabled(level)) return;
    const message = args.filter((arg) => !(arg instanceof Error)).map(String).join(' ');
    if (!fresh(`${level} ${message}`)) return;
    const err = args.find((arg): arg is Error => arg instanceof Error);
    child[level](err ? { err } : {}, message);
  };
  return { error: write('error'), warn: write('warn'), info: write('info'), debug: write('debug') };
}
