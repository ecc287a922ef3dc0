/**
 * The realistic traffic mix shared by load-test, spike and soak: mostly cached item reads, then list pages,
 * orders (with idempotency keys, a few of them replays) and item writes, and a trickle of /simulate/* traffic
 * so the failure panels are never flat. Percent of iterations. Pure (no k6 module), so the benchmark sends the
 * same mix (`@lab/load`'s `trafficMix`).
 */
export const trafficMix = {
  cachedRead: 55,
  listPage: 18,
  itemWrite: 10,
  order: 12,
  simulate: 5,
} as const;

export type MixAction = keyof typeof trafficMix;
