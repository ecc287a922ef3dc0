import { severities, type Severity } from '@lab/dashboards';

export const alertmanagerPort = 9093;
export const alertmanagerConfigPath = '/etc/alertmanager/alertmanager.yml';
/** The image's declared VOLUME and WORKDIR (Dockerfile at v0.34.0): silences and the notification log. */
export const alertmanagerDataDir = '/alertmanager';

/**
 * The subset of Alertmanager's config schema this platform writes (config/config.go at v0.34.0: `Config`,
 * `Route`, `Receiver`). A receiver with only a name is valid: it has no integration.
 */
export interface AlertmanagerConfig {
  route: AlertmanagerRoute & { routes: AlertmanagerRoute[] };
  receivers: { name: string }[];
  inhibit_rules: AlertmanagerInhibitRule[];
}

/**
 * An inhibition (config/common/inhibitrule.go at v0.34.0, config/config.go at v0.25.0): while an alert
 * matching `source_matchers` fires, alerts matching `target_matchers` whose `equal` labels have the same
 * values (a label absent from both counts as equal) are not notified.
 */
export interface AlertmanagerInhibitRule {
  source_matchers: string[];
  target_matchers: string[];
  equal: string[];
}

export interface AlertmanagerRoute {
  receiver: string;
  /** Matcher strings (`label="value"`); the root route must have none. */
  matchers?: string[];
  group_by?: string[];
  group_wait?: string;
  group_interval?: string;
  repeat_interval?: string;
}

/** The receiver each SLO alert severity lands on. */
export const receiverFor: Record<Severity, string> = { page: 'pager', ticket: 'ticket' };

/**
 * Anything without a known severity (the platform's own `ScrapeTargetDown` is `warning`) goes to the
 * ticket queue: only the SLO's fast burn is allowed to page.
 */
export const fallbackReceiver = receiverFor.ticket;

/**
 * The labels an SLO alert names its objective by (@lab/dashboards' burn-rate rules set both). A page and
 * a ticket for the same objective of the same service are one problem: the page says it louder.
 */
export const sameObjectiveLabels = ['slo', 'service'];

/**
 * Routes by the `severity` label of the rules (@lab/dashboards' SLO alerts: page, ticket).
 *
 * The receivers have no integration on purpose. In a lab nobody watches a webhook endpoint or owns a pager
 * account, so a notification there is invisible; what a lab user sees is Alertmanager's own UI (published
 * on `alertmanagerPort`) and Grafana's Alerting pages through the Alertmanager datasource, both of which
 * show every alert group under the receiver it was routed to. Adding a real integration later (a
 * `webhook_configs` or `email_configs` entry on `pager`) needs no change to the routes.
 */
export function alertmanagerConfig(): AlertmanagerConfig {
  const groupBy = ['alertname', 'service', 'slo'];
  return {
    route: {
      receiver: fallbackReceiver,
      group_by: groupBy,
      group_wait: '30s',
      group_interval: '5m',
      repeat_interval: '4h',
      routes: severities.map((severity) => ({
        receiver: receiverFor[severity],
        matchers: [severityIs(severity)],
        // A page is worth showing sooner; its long window already debounced it.
        ...(severity === 'page' ? { group_wait: '10s', repeat_interval: '1h' } : {}),
      })),
    },
    receivers: [...new Set([fallbackReceiver, ...severities.map((severity) => receiverFor[severity])])].map((name) => ({ name })),
    // During a fast burn the slow-burn ticket of the same SLO fires too; only the page is sent. A ticket of
    // another SLO, or a symptom ticket (no `slo` label, while the page has one), still goes out.
    inhibit_rules: [{ source_matchers: [severityIs('page')], target_matchers: [severityIs('ticket')], equal: sameObjectiveLabels }],
  };
}

function severityIs(severity: Severity): string {
  return `severity="${severity}"`;
}
