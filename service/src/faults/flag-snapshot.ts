import type { Client, EvaluationDetails, EvaluationContext, FlagValue } from '@openfeature/server-sdk';
import { faultableRoutes, faultFlags, routeContextKey, type FaultFlagName } from './flags';

export interface SnapshotEntry {
  readonly details: EvaluationDetails<FlagValue>;
  readonly providerName: string;
}

/** Every fault flag evaluated through OpenFeature; route-scoped ones once per faultable route. */
export interface FlagSnapshot {
  /** The last evaluation of a flag (of a route-scoped flag, for `route`); undefined before the first refresh. */
  get(name: FaultFlagName, route?: string): SnapshotEntry | undefined;
  /** Evaluates every flag again; concurrent calls share one run, and a call during a run gets another. */
  refresh(): Promise<void>;
}

const entryKey = (name: FaultFlagName, route?: string) => (route === undefined ? name : `${name} ${route}`);

/** Called after a refresh whose values differ from the previous one's, with the flag keys that changed. */
export type FlagsChanged = (flagKeys: readonly string[]) => void;

/**
 * Why a snapshot rather than an evaluation per request: one evaluation through the server SDK 1.23 costs
 * 15-25 µs of CPU (its ES2015 async hook pipeline; flagd-core's own resolution is 2-3 µs), and a cached read
 * needs three, about 40% of that request's CPU. The flags' values change only when their source does, and
 * the route is the only context they are targeted on, so the snapshot is re-evaluated when the provider
 * says the flags changed (and every second as a safety net) and a request reads its entries.
 */
export function createFlagSnapshot(client: Client, routes: readonly string[] = faultableRoutes, onChange?: FlagsChanged): FlagSnapshot {
  let entries = new Map<string, SnapshotEntry>();
  let running: Promise<void> | undefined;
  let again = false;

  const evaluate = (name: FaultFlagName, context?: EvaluationContext): Promise<EvaluationDetails<FlagValue>> => {
    const flag = faultFlags[name];
    return flag.type === 'boolean'
      ? client.getBooleanDetails(flag.key, flag.defaultValue, context)
      : client.getNumberDetails(flag.key, flag.defaultValue, context);
  };

  async function evaluateAll(): Promise<void> {
    const next = new Map<string, SnapshotEntry>();
    const providerName = client.metadata.providerMetadata.name;
    const pending: Array<Promise<void>> = [];
    for (const name of Object.keys(faultFlags) as FaultFlagName[]) {
      const targets = faultFlags[name].scope === 'route' ? routes : [undefined];
      for (const route of targets) {
        const context = route === undefined ? undefined : { [routeContextKey]: route };
        pending.push(evaluate(name, context).then((details) => void next.set(entryKey(name, route), { details, providerName })));
      }
    }
    await Promise.all(pending);
    const previous = entries;
    entries = next;
    // The snapshot itself says what changed, not the provider's ConfigurationChanged: flagd-provider 0.16.1
    // never emits that event once its first connection has failed (grpc-fetch.ts: `_initialized` stays
    // false), though the flags it syncs later do change what an evaluation answers.
    if (previous.size > 0 && onChange) {
      const changed = new Set<string>();
      for (const [key, entry] of next) {
        const before = previous.get(key);
        if (!before || before.details.value !== entry.details.value || before.details.variant !== entry.details.variant) {
          changed.add(entry.details.flagKey);
        }
      }
      if (changed.size > 0) onChange([...changed].sort());
    }
  }

  return {
    get: (name, route) => entries.get(entryKey(name, route)),
    refresh() {
      if (running) {
        again = true;
        return running;
      }
      running = (async () => {
        do {
          again = false;
          await evaluateAll();
        } while (again);
      })().finally(() => {
        running = undefined;
      });
      return running;
    },
  };
}
