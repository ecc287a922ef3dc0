import { failureKind } from './classify.ts';
import type { Sample } from './samples.ts';

/** One request the campaign sends through fetch (undici, keep-alive by default). */
export interface RequestSpec {
  readonly route: string;
  readonly method: string;
  readonly path: string;
  readonly headers?: Record<string, string>;
  readonly body?: string | Uint8Array;
  readonly touchesPostgres: boolean;
}

export interface Answer {
  readonly sample: Sample;
  /** The parsed JSON body of an answer, when it had one. */
  readonly json?: unknown;
  readonly headers?: Headers;
}

/** Sends one request; never throws: a failure is a sample with `failure` set. */
export async function send(baseUrl: string, spec: RequestSpec, timeoutMs: number): Promise<Answer> {
  const startedAt = performance.now();
  const base = { route: spec.route, touchesPostgres: spec.touchesPostgres, startedAt };
  try {
    const response = await fetch(`${baseUrl}${spec.path}`, {
      method: spec.method,
      headers: spec.headers,
      body: spec.body,
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    let json: unknown;
    if ((response.headers.get('content-type') ?? '').includes('json')) {
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
    }
    const retryAfter = response.headers.get('retry-after') ?? undefined;
    return {
      sample: {
        ...base,
        endedAt: performance.now(),
        status: response.status,
        ...(retryAfter !== undefined ? { retryAfter } : {}),
        connectionClose: (response.headers.get('connection') ?? '').toLowerCase() === 'close',
      },
      json,
      headers: response.headers,
    };
  } catch (error) {
    return { sample: { ...base, endedAt: performance.now(), failure: failureKind(error), connectionClose: false } };
  }
}
