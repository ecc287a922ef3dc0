/** Shared dashboard scaffolding: time range, tags, links between the four dashboards. */
import { DashboardBuilder, DashboardLinkBuilder, DashboardLinkType, DashboardCursorSync } from '@grafana/grafana-foundation-sdk/dashboard';

export const dashboardTag = 'observability-lab';

export function newDashboard(uid: string, title: string, description: string): DashboardBuilder {
  return new DashboardBuilder(title)
    .uid(uid)
    .description(description)
    .tags([dashboardTag])
    .editable()
    .refresh('30s')
    .time({ from: 'now-1h', to: 'now' })
    .timezone('browser')
    .tooltip(DashboardCursorSync.Crosshair)
    .link(
      new DashboardLinkBuilder('Lab dashboards')
        .type(DashboardLinkType.Dashboards)
        .tags([dashboardTag])
        .asDropdown(true)
        .keepTime(true)
        .includeVars(false),
    );
}

/** Link to another dashboard of this folder, keeping the time range (and variables when asked). */
export function dashboardUrl(uid: string, params: Record<string, string> = {}): string {
  const query = Object.entries(params).map(([k, v]) => `${k}=${v}`);
  return `/d/${uid}?${['${__url_time_range}', ...query].join('&')}`;
}
