/**
 * The `pulumi config set --path` commands that declare a fault setting, derived from the typed setting so
 * the README, the dashboard and the catalogue never spell a path or a value by hand.
 *
 * Pulumi stores a `--path` value as a boolean for `true`/`false`, as a number for an integer, and as a
 * string otherwise (`pulumi config set` help text), so `0.3` arrives as the string "0.3": the program's
 * reader takes numbers from either.
 */
import type { FaultSettings } from '@lab/service/failure-lab';

/** The stack config key the Pulumi program reads the faults from. */
export const faultsConfigKey = 'faults';
/** The stack config key that names a catalogue scenario as the base of the faults. */
export const faultScenarioConfigKey = 'faultScenario';

export interface ConfigEntry {
  /** A Pulumi config path, e.g. `faults.postgres.latencyMs` or `faults.app.errorRate.routes[0]`. */
  readonly path: string;
  readonly value: string | number | boolean;
}

type Leaf = string | number | boolean;
type Tree = Leaf | readonly Tree[] | { readonly [key: string]: Tree | undefined };

function entriesOf(value: Tree | undefined, path: string): ConfigEntry[] {
  if (value === undefined) return [];
  if (Array.isArray(value)) return value.flatMap((item, i) => entriesOf(item, `${path}[${i}]`));
  if (typeof value === 'object') {
    return Object.entries(value as Record<string, Tree | undefined>).flatMap(([key, inner]) => {
      if (!/^[A-Za-z][A-Za-z0-9]*$/.test(key)) throw new Error(`${path}.${key}: a config path segment must be a plain identifier`);
      return entriesOf(inner, `${path}.${key}`);
    });
  }
  return [{ path, value: value as Leaf }];
}

/** One entry per leaf of the setting, in declaration order. */
export function faultConfigEntries(faults: FaultSettings): ConfigEntry[] {
  return entriesOf(faults as Tree, faultsConfigKey);
}

/** Single-quoted for a POSIX shell. */
function shellQuote(text: string): string {
  return /^[A-Za-z0-9_.:=/@%+-]+$/.test(text) ? text : `'${text.replace(/'/g, `'"'"'`)}'`;
}

/** `pulumi config set --path 'faults.postgres.latencyMs' 250`, one per leaf. */
export function faultConfigCommands(faults: FaultSettings): string[] {
  return faultConfigEntries(faults).map(
    (entry) => `pulumi config set --path '${entry.path}' ${shellQuote(String(entry.value))}`,
  );
}

/** The one-line switch to a catalogue scenario. */
export function scenarioSwitchCommand(name: string): string {
  return `pulumi config set ${faultScenarioConfigKey} ${shellQuote(name)} && pulumi up`;
}

/** Back to a healthy lab: both keys removed, then the same `pulumi up`. */
export const clearFaultsCommand = `pulumi config rm ${faultScenarioConfigKey}; pulumi config rm ${faultsConfigKey}; pulumi up`;

/**
 * The stack config `pulumi config set --path` would produce from these entries, typed as Pulumi types it
 * (booleans and integers typed, everything else a string): what the program's reader is handed.
 */
export function configAsPulumiStoresIt(entries: readonly ConfigEntry[]): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const { path, value } of entries) {
    const segments = [...path.matchAll(/([A-Za-z][A-Za-z0-9]*)|\[(\d+)\]/g)].map((m) => (m[1] !== undefined ? m[1] : Number(m[2])));
    const text = String(value);
    const stored = text === 'true' ? true : text === 'false' ? false : /^-?\d+$/.test(text) ? Number(text) : text;
    let node: Record<string | number, unknown> = root;
    segments.forEach((segment, i) => {
      if (i === segments.length - 1) {
        node[segment] = stored;
        return;
      }
      node[segment] ??= typeof segments[i + 1] === 'number' ? [] : {};
      node = node[segment] as Record<string | number, unknown>;
    });
  }
  return root;
}
