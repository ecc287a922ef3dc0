/** What one request of the campaign ended as: an HTTP answer, or a failure before one arrived. */

/** Failures with no HTTP answer, as a client sees them. */
export type FailureKind = 'reset' | 'refused' | 'timeout' | 'other';

export interface Sample {
  /** A name for the kind of request (order, item-read, list ...), for tables and filters. */
  readonly route: string;
  /** True when the answer needs Postgres (an order, a list page); a cached read may not. */
  readonly touchesPostgres: boolean;
  /** performance.now() when sent and when the answer (or failure) was complete. */
  readonly startedAt: number;
  readonly endedAt: number;
  readonly status?: number;
  readonly failure?: FailureKind;
  readonly retryAfter?: string;
  /** The response said `Connection: close`. */
  readonly connectionClose: boolean;
}

export const latencyMs = (sample: Sample): number => sample.endedAt - sample.startedAt;
export const is2xx = (sample: Sample): boolean => sample.status !== undefined && sample.status >= 200 && sample.status < 300;
export const is5xx = (sample: Sample): boolean => sample.status !== undefined && sample.status >= 500;
