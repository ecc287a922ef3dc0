/**
 * PromQL for the failure lab: what the fault controller declares (lab_fault_*), what Toxiproxy carries,
 * the service's fault-flag evaluations, and the symptoms each catalogue scenario moves.
 */
import { faultMetrics } from '@lab/service/fault-controller';
import { featureFlagAttributes } from '@lab/service/fault-flags';
import { toxiproxyMetrics } from '../metrics/known/toxiproxy';
import { runtimeProm, serviceCounters, serviceLabels as l, serviceProm } from '../metrics/service-metrics';
import { shopService } from '../service-identity';
import { rateInterval as ri } from './service-queries';

const job = `${l.job}="${shopService.name}"`;
const db = serviceProm.dbClientOperationDuration;

export const faultLabels = { link: 'link', fault: 'fault', setting: 'setting', outcome: 'outcome' } as const;

/** The fault controller's view: what is declared, and whether it got applied. */
export const faults = {
  active: () => `max by (${faultLabels.link}, ${faultLabels.fault}) (${faultMetrics.active.name} == 1)`,
  activeCount: () => `count(${faultMetrics.active.name} == 1) or vector(0)`,
  settings: () => `max by (${faultLabels.link}, ${faultLabels.fault}, ${faultLabels.setting}) (${faultMetrics.setting.name})`,
  reconcileErrors: () => `sum(increase(${faultMetrics.reconciles.name}{${faultLabels.outcome}="error"}[${ri}]))`,
  toxiproxyUp: () => `min(${faultMetrics.toxiproxyUp.name})`,
  /** Milliseconds, for a Grafana annotation with useValueForTime. */
  appliedAtMs: () => `max(${faultMetrics.appliedTimestamp.name}) * 1000`,
};

/**
 * Toxiproxy adds a connection's bytes when that connection ends (link.go at v2.12.0: io.Copy returns, then
 * the counter is added to), so pooled connections show as bursts when they close, not as a steady rate.
 */
export const toxiproxy = {
  bytesToClients: () =>
    `sum by (${toxiproxyMetrics.labels.proxy}) (rate(${toxiproxyMetrics.sentBytes}{${toxiproxyMetrics.labels.direction}="downstream"}[${ri}]))`,
  bytesToUpstreams: () =>
    `sum by (${toxiproxyMetrics.labels.proxy}) (rate(${toxiproxyMetrics.sentBytes}{${toxiproxyMetrics.labels.direction}="upstream"}[${ri}]))`,
};

const evaluations = serviceCounters.featureFlagEvaluations;
/** The service's flag attributes as Prometheus labels (dots -> underscores). */
export const flagLabels = {
  key: featureFlagAttributes.key.replaceAll('.', '_'),
  variant: featureFlagAttributes.resultVariant.replaceAll('.', '_'),
};

export const flags = {
  evaluationsByVariant: () =>
    `sum by (${flagLabels.key}, ${flagLabels.variant}) (rate(${evaluations}{${job}}[${ri}]))`,
  evaluationErrors: () => `sum by (${flagLabels.key}, ${l.errorType}) (rate(${evaluations}{${job}, ${l.errorType}!=""}[${ri}]))`,
};

/** The symptoms the catalogue's panels show. */
export const symptoms = {
  databaseSlowShare: (thresholdSeconds: number) =>
    `1 - (sum(rate(${db}_bucket{${job}, le="${thresholdSeconds}"}[${ri}])) / sum(rate(${db}_count{${job}}[${ri}])))`,
  databaseP99: () => `histogram_quantile(0.99, sum by (le) (rate(${db}_bucket{${job}}[${ri}])))`,
  databaseCalls: () => `sum(rate(${db}_count{${job}}[${ri}]))`,
  eventLoopUtilization: () => `max by (${l.instance}) (${runtimeProm.eventLoopUtilization}{${job}})`,
  eventLoopDelayP99: () => `max by (${l.instance}) (${runtimeProm.eventLoopDelayP99}{${job}})`,
  heapUsed: () => `sum by (${l.instance}) (${runtimeProm.heapUsed}{${job}})`,
};
