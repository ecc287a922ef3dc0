import type { DeclaredProxy, FaultDeclaration } from './declaration';
import { renderMetrics } from './metrics';
import { planChanges, type Change } from './plan';
import { ToxiproxyApiTimeout, type ToxiproxyApi, type ToxiproxyProxy } from './toxiproxy-api';

/** What the controller logs through, pino's `(details, message)` form: a caller needs no pino of its own. */
export interface ControllerLogger {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

export interface FaultControllerOptions {
  readonly api: ToxiproxyApi;
  /** Reads the declaration anew each round, so an edited file (a Kubernetes ConfigMap) is picked up. */
  readonly readDeclaration: () => Promise<{ declaration: FaultDeclaration; text: string }>;
  readonly initial: { declaration: FaultDeclaration; text: string };
  readonly logger: ControllerLogger;
  readonly now?: () => number;
  /**
   * Aborted on shutdown, the same signal the API's requests carry: a round it cuts short is neither an
   * outage nor a refused change, so it is not logged, counted or reported as one.
   */
  readonly stopping?: AbortSignal;
}

export type ReconcileOutcome = 'success' | 'error' | 'interrupted';

/**
 * How long a change Toxiproxy did not answer can still be in progress: a reset_peer countdown holds the
 * proxy's toxic lock (toxic_collection.go) until it ends, at most the toxic's `timeout` after the change was
 * sent; this much more covers a listing's own wait and a busy host.
 */
const busySlackMs = 5_000;

/**
 * The longest reset_peer countdown a connection of the proxy can be in: the `timeout` of its reset_peer toxics,
 * those Toxiproxy listed and those declared (one added earlier in the same round can be counting already).
 */
function resetPeerCountdownMs(listed: ToxiproxyProxy | undefined, declared: DeclaredProxy | undefined): number | undefined {
  const timeouts = [...(listed?.toxics ?? []), ...(declared?.toxics ?? [])].filter((toxic) => toxic.type === 'reset_peer').map((toxic) => toxic.attributes.timeout ?? 0);
  return timeouts.length > 0 ? Math.max(...timeouts) : undefined;
}

/**
 * Keeps Toxiproxy equal to the fault declaration, one round per `reconcile()`, and keeps what the metrics
 * report. No round throws: an unreachable Toxiproxy, a refused change or an unreadable file is logged,
 * counted, and tried again next round.
 */
export function createFaultController(options: FaultControllerOptions) {
  const { api, logger } = options;
  const now = options.now ?? Date.now;
  let current = options.initial;
  let appliedAt: number | undefined;
  let lastSuccessAt: number | undefined;
  let toxiproxyUp = false;
  let toxiproxyKnown = false;
  let lastProblem: string | undefined;
  /**
   * performance.now() until which Toxiproxy is busy with a change it was sent and has not answered (a
   * reset_peer countdown holds its API, GET /proxies included): a listing without answer meanwhile is that
   * change still being applied, not Toxiproxy gone.
   */
  let busyUntil: number | undefined;
  const reconciles = { success: 0, error: 0 };
  const changes = new Map<string, Map<string, number>>();

  const countChange = ({ proxy, action }: Change) => {
    const actions = changes.get(proxy) ?? new Map<string, number>();
    actions.set(action, (actions.get(action) ?? 0) + 1);
    changes.set(proxy, actions);
  };

  const setToxiproxyUp = (up: boolean, error?: unknown) => {
    if (toxiproxyKnown && up === toxiproxyUp) return;
    if (up) logger.info({}, 'toxiproxy reachable');
    else logger.warn({ err: error }, 'toxiproxy unreachable; retrying every round');
    toxiproxyUp = up;
    toxiproxyKnown = true;
  };

  /** Logs a problem when it differs from the last one: a lasting outage is one line, not one per round. */
  const report = (problem: string, details: Record<string, unknown>) => {
    if (problem !== lastProblem) logger.error(details, problem);
    lastProblem = problem;
  };

  async function refreshDeclaration(): Promise<void> {
    try {
      const next = await options.readDeclaration();
      if (next.text === current.text) return;
      current = next;
      appliedAt = undefined;
      logger.info({ declaration: next.declaration }, 'fault declaration changed');
    } catch (error) {
      report('fault declaration unreadable; keeping the last valid one', { err: error });
    }
  }

  async function apply(change: Change): Promise<void> {
    switch (change.action) {
      case 'enable':
      case 'disable':
        return api.setEnabled(change.proxy, change.action === 'enable');
      case 'remove_toxic':
        return api.removeToxic(change.proxy, change.toxic);
      case 'update_toxic':
        return api.updateToxic(change.proxy, change.toxic, { attributes: change.attributes, toxicity: change.toxicity });
      case 'add_toxic':
        return api.addToxic(change.proxy, change.toxic);
    }
  }

  async function reconcile(): Promise<ReconcileOutcome> {
    await refreshDeclaration();
    let proxies;
    try {
      proxies = await api.proxies();
      busyUntil = undefined;
      setToxiproxyUp(true);
    } catch (error) {
      if (options.stopping?.aborted) return 'interrupted';
      if (error instanceof ToxiproxyApiTimeout && busyUntil !== undefined && performance.now() < busyUntil) {
        report('toxiproxy busy applying a change it was sent (a reset_peer countdown holds its API); waiting for it', { err: error });
      } else {
        busyUntil = undefined;
        setToxiproxyUp(false, error);
      }
      reconciles.error++;
      return 'error';
    }
    const plan = planChanges(current.declaration.proxies, proxies);
    let failed = plan.missing.length > 0;
    if (failed) report('declared proxies missing from toxiproxy (its -config file should create them)', { missing: plan.missing });
    /** Proxies with a change still in progress: their next change would wait on the same lock. */
    const busyProxies = new Set<string>();
    // Each change is independent: one refused (say a name clash after a concurrent edit) does not hold back the rest.
    for (const change of plan.changes) {
      if (busyProxies.has(change.proxy)) {
        failed = true;
        continue;
      }
      const sentAt = performance.now();
      try {
        await apply(change);
        countChange(change);
        logger.info({ change }, 'fault applied');
      } catch (error) {
        if (options.stopping?.aborted) return 'interrupted';
        failed = true;
        const declared = current.declaration.proxies.find((proxy) => proxy.name === change.proxy);
        const countdownMs = error instanceof ToxiproxyApiTimeout ? resetPeerCountdownMs(proxies[change.proxy], declared) : undefined;
        if (countdownMs !== undefined) {
          busyProxies.add(change.proxy);
          busyUntil = Math.max(busyUntil ?? 0, sentAt + countdownMs + busySlackMs);
          report('toxiproxy still applying a change after a reset_peer countdown; checking next round', { err: error, change, countdownMs });
        } else {
          report(error instanceof ToxiproxyApiTimeout ? 'toxiproxy did not answer a change' : 'toxiproxy refused a change', { err: error, change });
        }
      }
    }
    if (failed) {
      reconciles.error++;
      return 'error';
    }
    const at = now() / 1000;
    if (appliedAt === undefined) {
      appliedAt = at;
      logger.info({ faults: current.declaration }, 'fault declaration applied');
    }
    lastSuccessAt = at;
    lastProblem = undefined;
    reconciles.success++;
    return 'success';
  }

  return {
    reconcile,
    metrics: () => renderMetrics({ declaration: current.declaration, appliedAt, lastSuccessAt, toxiproxyUp, reconciles, changes }),
  };
}

export type FaultController = ReturnType<typeof createFaultController>;
