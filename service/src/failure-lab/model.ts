/**
 * What a fault is, as the stack declares it (`pulumi config set --path 'faults.postgres.latencyMs' 300`).
 * Types and bounds only, no imports: the program validates raw config against it (read-faults.ts), the
 * generators turn it into Toxiproxy toxics and a flagd flag file, and the scenario catalogue is written in it.
 */

/** The connections that run through Toxiproxy, each a proxy named like this. */
export const faultLinks = ['postgres', 'redis', 'collector'] as const;
export type FaultLink = (typeof faultLinks)[number];

/**
 * Faults on one connection. Each field is one Toxiproxy toxic (or the proxy's `enabled` flag); absent means
 * no such fault. Bounds keep the lab usable: a fault slows or breaks the path, never wedges the host.
 */
export interface LinkFaults {
  /** The proxy is disabled: new connections are refused and open ones are closed. */
  readonly down?: boolean;
  /** `latency` toxic, on data flowing back to the client (downstream). */
  readonly latencyMs?: number;
  /**
   * The latency's jitter (± ms); only with latencyMs, and at most latencyMs: Toxiproxy draws the delay from
   * latency ± jitter (toxics/latency.go) and a negative draw is no delay at all, which would skew the mean.
   */
  readonly jitterMs?: number;
  /** `bandwidth` toxic: at most this many KB per second back to the client. */
  readonly bandwidthKBps?: number;
  /**
   * `timeout` toxic: data stops, and the connection is closed once this many ms pass with no data (0: held open
   * forever). Removing it closes every connection open on the link, idle ones too (Toxiproxy 2.12.0
   * toxics/timeout.go Cleanup closes each connection's stub).
   */
  readonly timeoutMs?: number;
  /**
   * `reset_peer` toxic: this many ms after a connection's first data once the toxic is on (0: at once), its data
   * is dropped and it is closed: reset (TCP RST) if it was opened after the toxic was added, closed with a FIN
   * if it was already open (link.go sets SetLinger(0) only in ToxicLink.Start). While that countdown runs,
   * Toxiproxy takes no other change to the link's toxics and answers no GET /proxies (toxic_collection.go holds
   * its lock until the toxic returns).
   */
  readonly resetPeerMs?: number;
  /**
   * `slicer` toxic: data back to the client cut into packets of averageBytes ± variationBytes with delayUs
   * between them; variationBytes must stay below averageBytes (toxics/slicer.go).
   */
  readonly slicer?: { readonly averageBytes: number; readonly variationBytes?: number; readonly delayUs: number };
  /** Share of connections a toxic applies to (Toxiproxy's `toxicity`), 0 to 1; default 1. */
  readonly toxicity?: number;
}

/** The flag-driven faults inside the service (flagd flags; keys in service/src/faults/flags.ts). */
export interface AppFaults {
  /** Share of requests answered 500, on the given routes (http.route patterns; default every API route). */
  readonly errorRate?: { readonly ratio: number; readonly routes?: readonly string[] };
  /** Added latency on the given routes. */
  readonly latency?: { readonly ms: number; readonly routes?: readonly string[] };
  /** Reads skip Redis and go to Postgres. */
  readonly cacheBypass?: boolean;
  /** A request that reaches Postgres first runs a `pg_sleep` of this many ms there (a cache hit is not slowed). */
  readonly slowQueryMs?: number;
  /** Share of each replica's event loop burnt by a background busy loop. */
  readonly cpuHogPercent?: number;
  /** Memory each replica retains and grows, up to capMb, then holds; released when the flag is off. */
  readonly memoryLeak?: { readonly mbPerMinute: number; readonly capMb: number };
}

export type FaultSettings = { readonly [link in FaultLink]?: LinkFaults } & { readonly app?: AppFaults };

/** Inclusive bounds of each numeric field. */
export const faultBounds = {
  latencyMs: { min: 0, max: 10_000 },
  jitterMs: { min: 0, max: 5_000 },
  bandwidthKBps: { min: 1, max: 1_000_000 },
  timeoutMs: { min: 0, max: 60_000 },
  resetPeerMs: { min: 0, max: 60_000 },
  slicerAverageBytes: { min: 1, max: 65_536 },
  slicerVariationBytes: { min: 0, max: 65_536 },
  slicerDelayUs: { min: 0, max: 1_000_000 },
  toxicity: { min: 0, max: 1 },
  errorRatio: { min: 0, max: 1 },
  appLatencyMs: { min: 0, max: 10_000 },
  slowQueryMs: { min: 0, max: 5_000 },
  cpuHogPercent: { min: 0, max: 90 },
  // 0 is the leak switched off: what was retained is released (service/src/faults/flags.ts).
  memoryLeakMbPerMinute: { min: 0, max: 64 },
} as const;

/**
 * MiB a replica needs besides the leak to keep serving: Node's baseline, the OpenTelemetry SDK's buffers, a
 * connection pool and in-flight requests. The leak's cap is what is left of the replica's limit, so a leak
 * slows the replica (GC pressure) and shows on the dashboards without getting it OOM-killed.
 */
export const replicaServingHeadroomMb = 160;

/** Inclusive bounds of the memory leak's cap, for a replica with this memory limit (MiB). */
export function memoryLeakCapBounds(replicaMemoryMb: number): { readonly min: number; readonly max: number } {
  return { min: 1, max: Math.max(1, replicaMemoryMb - replicaServingHeadroomMb) };
}
