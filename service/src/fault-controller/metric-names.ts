/**
 * The fault controller's Prometheus metrics: names and labels, the contract the failure-lab dashboard and
 * alerts are built on (exported as `@lab/service/fault-controller`).
 */
export const faultMetrics = {
  /** Gauge, 1 per declared fault. link: proxy name or `app`; fault: toxic type, `down`, or the flag key. */
  active: { name: 'lab_fault_active', labels: ['link', 'fault'] },
  /** Gauge, each declared number of a fault: a toxic's attributes and `toxicity`, a flag's `value`. */
  setting: { name: 'lab_fault_setting', labels: ['link', 'fault', 'setting'] },
  /** Gauge, unix seconds when the current declaration was first fully applied; absent until then. */
  appliedTimestamp: { name: 'lab_faults_applied_timestamp_seconds', labels: [] },
  /** Counter of reconciliations by outcome: `success` or `error`. */
  reconciles: { name: 'lab_fault_reconciles_total', labels: ['outcome'] },
  /** Counter of API changes made: action enable, disable, add_toxic, update_toxic, remove_toxic. */
  changes: { name: 'lab_fault_changes_total', labels: ['link', 'action'] },
  /** Gauge, unix seconds of the last successful reconciliation; absent until the first. */
  lastSuccessTimestamp: { name: 'lab_fault_last_success_timestamp_seconds', labels: [] },
  /**
   * Gauge, 1 when Toxiproxy's API answered the last GET /proxies, else 0; a listing that goes unanswered
   * while Toxiproxy still applies a change the controller sent (a reset_peer countdown holds its API, for at
   * most that toxic's timeout) leaves it at 1: Toxiproxy is busy, not gone.
   */
  toxiproxyUp: { name: 'lab_fault_toxiproxy_up', labels: [] },
} as const;
