import type { DeclaredProxy, DeclaredToxic } from './declaration';
import type { ToxiproxyProxy, ToxiproxyToxic } from './toxiproxy-api';

/** One API call that brings a proxy closer to its declaration. */
export type Change =
  | { readonly action: 'remove_toxic'; readonly proxy: string; readonly toxic: string }
  | { readonly action: 'update_toxic'; readonly proxy: string; readonly toxic: string; readonly attributes: Readonly<Record<string, number>>; readonly toxicity: number }
  | { readonly action: 'add_toxic'; readonly proxy: string; readonly toxic: DeclaredToxic }
  | { readonly action: 'enable' | 'disable'; readonly proxy: string };

export interface Plan {
  readonly changes: readonly Change[];
  /** Declared proxies Toxiproxy does not have: the controller cannot create them (it knows no addresses). */
  readonly missing: readonly string[];
}

/**
 * The changes that make Toxiproxy's proxies equal their declaration. Toxics not declared are removed; a toxic
 * whose type or stream changed is removed and added again (the API cannot change them in place). Proxies not
 * declared are left alone. Toxics are settled before a proxy is enabled, so no connection it accepts sees
 * the old set.
 */
export function planChanges(declared: readonly DeclaredProxy[], actual: Readonly<Record<string, ToxiproxyProxy>>): Plan {
  const changes: Change[] = [];
  const missing: string[] = [];
  for (const proxy of declared) {
    const current = actual[proxy.name];
    if (!current) {
      missing.push(proxy.name);
      continue;
    }
    if (!proxy.enabled && current.enabled) changes.push({ action: 'disable', proxy: proxy.name });
    for (const toxic of current.toxics) {
      const wanted = proxy.toxics.find((candidate) => candidate.name === toxic.name);
      if (!wanted || !sameKind(wanted, toxic)) changes.push({ action: 'remove_toxic', proxy: proxy.name, toxic: toxic.name });
    }
    for (const wanted of proxy.toxics) {
      const toxic = current.toxics.find((candidate) => candidate.name === wanted.name);
      if (!toxic || !sameKind(wanted, toxic)) {
        changes.push({ action: 'add_toxic', proxy: proxy.name, toxic: wanted });
      } else if (!sameSettings(wanted, toxic)) {
        changes.push({ action: 'update_toxic', proxy: proxy.name, toxic: wanted.name, attributes: updatedAttributes(wanted, toxic), toxicity: wanted.toxicity });
      }
    }
    if (proxy.enabled && !current.enabled) changes.push({ action: 'enable', proxy: proxy.name });
  }
  return { changes, missing };
}

// The API keeps `stream` as sent and matches it case-insensitively (stream/direction.go ParseDirection).
const sameKind = (wanted: DeclaredToxic, toxic: ToxiproxyToxic) => wanted.type === toxic.type && wanted.stream === toxic.stream.toLowerCase();

/** A created toxic's attributes start at zero (toxics.New makes a zero struct), so an undeclared one means 0. */
function sameSettings(wanted: DeclaredToxic, toxic: ToxiproxyToxic): boolean {
  // toxicity is a float32 on the server: compare at its precision.
  if (Math.fround(wanted.toxicity) !== Math.fround(toxic.toxicity)) return false;
  const names = new Set([...Object.keys(wanted.attributes), ...Object.keys(toxic.attributes)]);
  return [...names].every((name) => (wanted.attributes[name] ?? 0) === (toxic.attributes[name] ?? 0));
}

/**
 * An update decodes the body onto the existing attributes (toxic_collection.go UpdateToxicJson): one left out
 * keeps its old value. Sending 0 for those makes the result what creating the declared toxic would give.
 */
function updatedAttributes(wanted: DeclaredToxic, toxic: ToxiproxyToxic): Record<string, number> {
  const cleared = Object.fromEntries(Object.keys(toxic.attributes).filter((name) => !(name in wanted.attributes)).map((name) => [name, 0]));
  return { ...cleared, ...wanted.attributes };
}
