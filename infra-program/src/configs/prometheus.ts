import { hostPort, type Endpoint } from '../endpoint';
import type { ScrapeTarget } from '../components/exporters';

export const prometheusPort = 9090;
export const prometheusRulesDir = '/etc/prometheus/rules';

/** The subset of the Prometheus 3.14 config schema this platform writes. */
export interface PrometheusConfig {
  global: { scrape_interval: string; evaluation_interval: string; external_labels: Record<string, string> };
  rule_files: string[];
  /** Where firing alerts go (config/config.go AlertingConfig and AlertmanagerConfig at v3.14.0). */
  alerting: { alertmanagers: { api_version: 'v2'; static_configs: { targets: string[] }[] }[] };
  scrape_configs: { job_name: string; static_configs: { targets: string[] }[] }[];
  storage: { tsdb: { out_of_order_time_window: string; retention: { time: string } } };
  /** Prometheus 3 only: how OTLP metrics are named and which resource attributes become labels. */
  otlp: { translation_strategy: OtlpTranslationStrategy; promote_resource_attributes: string[] };
}

/**
 * `UnderscoreEscapingWithSuffixes` is what turns `http.server.request.duration` (unit s) into
 * `http_server_request_duration_seconds_bucket`, the names the dashboards and rules query. It is the
 * 3.x default; written out so a change of default cannot silently rename every series.
 */
export type OtlpTranslationStrategy = 'UnderscoreEscapingWithSuffixes';

/**
 * Resource attributes Prometheus already turns into `job` and `instance` (and `target_info`): promoting
 * them again would only duplicate those labels on every series.
 */
export const identifyingResourceAttributes = ['service.name', 'service.namespace', 'service.instance.id'] as const;

/**
 * Dotted paths Prometheus 3 knows and the promtool on Debian (2.42) does not (its TSDBConfig has only
 * `out_of_order_time_window`, config/config.go at v2.42.0): the test strips exactly these.
 */
export const prometheus3OnlyKeys = ['otlp', 'storage.tsdb.retention'] as const;

/**
 * How long Prometheus keeps samples. Its default is 15 days (`defaultRetentionString`, cmd/prometheus/main.go
 * at v3.14.0), shorter than the SLOs' 28-day window: the budget-remaining series would silently cover only
 * the last 15 days. Set in the config file (`storage.tsdb.retention.time`, config/config.go
 * TSDBRetentionConfig at v3.14.0), where 3.x moved it; the flag is deprecated. A test derives the longest
 * range of every rule expression and keeps this above it.
 */
export const prometheusRetention = '30d';

export interface PrometheusConfigArgs {
  readonly stack: string;
  readonly targets: readonly ScrapeTarget[];
  /** Alertmanagers to send alerts to; without any, rules fire and nothing is notified. */
  readonly alertmanagers: readonly Endpoint[];
}

/**
 * Scrapes every target it is given (Traefik, the exporters, the Collector, Tempo, Loki, itself), loads
 * the rule files, accepts out-of-order samples (OTLP pushes can arrive late), pins the OTLP naming the
 * dashboards rely on and promotes the non-identifying resource attributes worth grouping by.
 */
export function prometheusConfig(args: PrometheusConfigArgs): PrometheusConfig {
  const jobs = new Set<string>();
  for (const target of args.targets) {
    if (jobs.has(target.job)) throw new Error(`two scrape targets share the job name "${target.job}"`);
    jobs.add(target.job);
  }
  return {
    global: { scrape_interval: '15s', evaluation_interval: '15s', external_labels: { stack: args.stack } },
    rule_files: [`${prometheusRulesDir}/*.yml`],
    // `v2` is the only API version 3.x accepts (SupportedAlertmanagerAPIVersions); written out all the same.
    alerting: { alertmanagers: [{ api_version: 'v2', static_configs: [{ targets: args.alertmanagers.map(hostPort) }] }] },
    scrape_configs: args.targets.map((target) => ({
      job_name: target.job,
      static_configs: [{ targets: [hostPort(target.endpoint)] }],
    })),
    storage: { tsdb: { out_of_order_time_window: '30m', retention: { time: prometheusRetention } } },
    otlp: {
      translation_strategy: 'UnderscoreEscapingWithSuffixes',
      promote_resource_attributes: ['service.version', 'deployment.environment.name'],
    },
  };
}

/** Rule files the platform itself owns (the SLO rules come from @lab/dashboards). */
export interface PrometheusRuleFile {
  readonly fileName: string;
  readonly content: Record<string, unknown>;
}

export function platformRuleFile(): PrometheusRuleFile {
  return {
    fileName: 'platform.yml',
    content: {
      groups: [
        {
          name: 'platform-targets',
          rules: [
            {
              alert: 'ScrapeTargetDown',
              expr: 'up == 0',
              for: '2m',
              labels: { severity: 'warning' },
              annotations: {
                summary: 'Prometheus cannot scrape {{ $labels.job }} ({{ $labels.instance }})',
                description: 'The target has been unreachable for 2 minutes.',
              },
            },
          ],
        },
      ],
    },
  };
}
