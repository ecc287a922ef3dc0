/** Weighted choice, pure so the mix's proportions can be tested. `roll` is uniform in [0, 1). */
export function chooseWeighted<K extends string>(weights: Readonly<Record<K, number>>, roll: number): K {
  const entries = Object.entries(weights) as Array<[K, number]>;
  const total = entries.reduce((sum, [, w]) => sum + w, 0);
  if (!(total > 0)) throw new Error('weights must add up to more than zero');
  let threshold = roll * total;
  for (const [key, weight] of entries) {
    if (threshold < weight) return key;
    threshold -= weight;
  }
  const last = entries[entries.length - 1];
  if (!last) throw new Error('no weights');
  return last[0];
}
