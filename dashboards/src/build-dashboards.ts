/**
 * Builds every dashboard this folder owns, for the datasource uids the infra program provisions.
 * The program writes these objects to Grafana's provisioning directory as they are.
 */
import type { DatasourceUids } from './datasources';
import { buildDrilldown } from './dashboards/drilldown';
import { buildFailureLab } from './dashboards/failure-lab';
import { buildOverview } from './dashboards/overview';
import { buildServiceMap } from './dashboards/service-map';

export interface BuiltDashboard {
  uid: string;
  fileName: string;
  dashboard: Record<string, unknown>;
}

interface Buildable {
  build(): { uid?: string; panels?: Array<{ id?: number; panels?: Array<{ id?: number }> }> };
}

/** Stable, unique panel ids (Grafana needs them for links to a single panel and for library state). */
function numberPanels(dashboard: ReturnType<Buildable['build']>): void {
  let next = 1;
  for (const panel of dashboard.panels ?? []) {
    panel.id = next++;
    for (const inner of panel.panels ?? []) inner.id = next++;
  }
}

export function buildDashboards(uids: DatasourceUids): BuiltDashboard[] {
  const builders: Buildable[] = [buildOverview(uids), buildDrilldown(uids), buildFailureLab(uids), buildServiceMap(uids)];
  return builders.map((builder) => {
    const dashboard = builder.build();
    if (!dashboard.uid) throw new Error('every dashboard needs a uid');
    numberPanels(dashboard);
    // A JSON round trip drops builder internals (undefined fields) and proves the result is plain data.
    const plain = JSON.parse(JSON.stringify(dashboard)) as Record<string, unknown>;
    return { uid: dashboard.uid, fileName: `${dashboard.uid}.json`, dashboard: plain };
  });
}
