/** Stable dashboard uids: alert annotations and cross-dashboard links point at these. */
export const dashboardUids = {
  overview: 'shop-platform-overview',
  drilldown: 'shop-service-drilldown',
  failureLab: 'shop-failure-lab',
  serviceMap: 'shop-service-map',
} as const;
