/** Who the dashboards look at: the OTEL_SERVICE_NAME of the shop backend (service contract default). */
export const shopService = {
  /** `service.name`; Prometheus labels it `job`, Loki `service_name`, Tempo `resource.service.name`. */
  name: 'shop-api',
  /** Routes that are not user traffic: probes do not count towards SLOs or error panels. */
  probeRouteRegex: '/health/.*',
} as const;
