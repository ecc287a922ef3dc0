import type { FailureKind } from './samples.ts';

const resetCodes = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'ECONNABORTED']);
const refusedCodes = new Set(['ECONNREFUSED']);
const timeoutCodes = new Set(['ETIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

function* chain(error: unknown): Generator<unknown> {
  for (let current = error, depth = 0; current !== undefined && current !== null && depth < 8; depth++) {
    yield current;
    current = (current as { cause?: unknown }).cause;
  }
}

/**
 * What kind of failure a fetch (undici) error is. fetch wraps the socket's error as `cause`; a body cut off
 * after the headers arrived is a TypeError "terminated" whose cause is the socket error; an abort by
 * AbortSignal.timeout() is a TimeoutError.
 */
export function failureKind(error: unknown): FailureKind {
  for (const link of chain(error)) {
    const code = (link as { code?: unknown }).code;
    const name = (link as { name?: unknown }).name;
    if (typeof code === 'string') {
      if (refusedCodes.has(code)) return 'refused';
      if (resetCodes.has(code)) return 'reset';
      if (timeoutCodes.has(code)) return 'timeout';
    }
    if (name === 'TimeoutError' || name === 'AbortError') return 'timeout';
  }
  for (const link of chain(error)) {
    if (link instanceof Error && /terminated|other side closed|socket hang up/i.test(link.message)) return 'reset';
  }
  return 'other';
}
