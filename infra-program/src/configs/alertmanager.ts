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
        matchers: [`severity="${severity}"`],
        // A page is worth showing sooner; its long window already debounced it.
        ...(severity === 'page' ? { group_wait: '10s', repeat_interval: '1h' } : {}),
      })),
    },
    receivers: [...new Set([fallbackReceiver, ...severities.map((severity) => receiverFor[severity])])].map((name) => ({ name })),
  };
}
