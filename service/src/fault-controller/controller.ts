import type { Logger } from '../logger';
import type { FaultDeclaration } from './declaration';
import { renderMetrics } from './metrics';
import { planChanges, type Change } from './plan';
import type { ToxiproxyApi } from './toxiproxy-api';

export interface FaultControllerOptions {
  readonly api: ToxiproxyApi;
  /** Reads the declaration anew each round, so an edited file (a Kubernetes ConfigMap) is picked up. */
  readonly readDeclaration: () => Promise<{ declaration: FaultDeclaration; text: string }>;
  readonly initial: { declaration: FaultDeclaration; text: string };
  readonly logger: Logger;
  readonly now?: () => number;
  /**
   * Aborted on shutdown, the same signal the API's requests carry: a round it cuts short is neither an
   * outage nor a refused change, so it is not logged, counted or reported as one.
   */
  readonly stopping?: AbortSignal;
}

export type ReconcileOutcome = 'success' | 'error' | 'interrupted';

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
  const reconciles = { success: 0, error: 0 };
  const changes = new Map<string, Map<string, number>>();

  const countChange = ({ proxy, action }: Change) => {
    const actions = changes.get(proxy) ?? new Map<string, number>();
    actions.set(action, (actions.get(action) ?? 0) + 1);
    changes.set(proxy, actions);
  };

  const setToxiproxyUp = (up: boolean, error?: unknown) => {
    if (toxiproxyKnown && up === toxiproxyUp) return;
    if (up) logger.info('toxiproxy reachable');
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
      setToxiproxyUp(true);
    } catch (error) {
      if (options.stopping?.aborted) return 'interrupted';
      setToxiproxyUp(false, error);
      reconciles.error++;
      return 'error';
    }
    const plan = planChanges(current.declaration.proxies, proxies);
    let failed = plan.missing.length > 0;
    if (failed) report('declared proxies missing from toxiproxy (its -config file should create them)', { missing: plan.missing });
    // Each change is independent: one refused (say a name clash after a concurrent edit) does not hold back the rest.
    for (const change of plan.changes) {
      try {
        await apply(change);
        countChange(change);
        logger.info({ change }, 'fault applied');
      } catch (error) {
        if (options.stopping?.aborted) return 'interrupted';
        failed = true;
        report('toxiproxy refused a change', { err: error, change });
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
