/**
 * The fault declaration the lab hands the fault controller (a JSON file rendered by the Pulumi program from
 * the stack's `faults` config). The controller makes Toxiproxy match `proxies` and reports all of it as
 * metrics; `flags` are served by flagd and only reported here. No imports: the program reads it as plain data.
 */
export interface FaultDeclaration {
  /** Every proxy the lab runs, with the state it must be in: a proxy with no fault is enabled with no toxics. */
  readonly proxies: readonly DeclaredProxy[];
  /** Each fault flag whose served value is not its default (so "no entries" means no app fault). */
  readonly flags: readonly DeclaredFlag[];
}

export interface DeclaredProxy {
  /** The Toxiproxy proxy name (one per link: postgres, redis, collector). */
  readonly name: string;
  readonly enabled: boolean;
  readonly toxics: readonly DeclaredToxic[];
}

/** A toxic as Toxiproxy's API takes it (POST /proxies/{proxy}/toxics). */
export interface DeclaredToxic {
  readonly name: string;
  readonly type: 'latency' | 'bandwidth' | 'timeout' | 'reset_peer' | 'slicer';
  readonly stream: 'upstream' | 'downstream';
  readonly toxicity: number;
  readonly attributes: Readonly<Record<string, number>>;
}

export interface DeclaredFlag {
  readonly key: string;
  readonly value: number | boolean;
  /** For route-scoped flags: the routes it applies to (absent: every route). */
  readonly routes?: readonly string[];
}

/**
 * The attributes each toxic type takes, all integers (Go int/int64 fields; a fraction is a 400 from the API,
 * a name not listed is silently ignored), as in Toxiproxy v2.12.0 toxics/*.go: latency and jitter in ms,
 * bandwidth `rate` in KB/s, timeout and reset_peer `timeout` in ms, slicer sizes in bytes and `delay` in µs.
 */
export const toxicAttributeNames = {
  latency: ['latency', 'jitter'],
  bandwidth: ['rate'],
  timeout: ['timeout'],
  reset_peer: ['timeout'],
  slicer: ['average_size', 'size_variation', 'delay'],
} as const satisfies Record<DeclaredToxic['type'], readonly string[]>;
