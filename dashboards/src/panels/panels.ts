/**
 * Panel factories on top of the foundation SDK builders: one place that decides legends, units and
 * sizes, so the dashboards read as lists of questions and queries.
 */
import * as common from '@grafana/grafana-foundation-sdk/common';
import { DashboardLinkBuilder, ThresholdsConfigBuilder, ThresholdsMode } from '@grafana/grafana-foundation-sdk/dashboard';
import * as logs from '@grafana/grafana-foundation-sdk/logs';
import * as nodegraph from '@grafana/grafana-foundation-sdk/nodegraph';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as table from '@grafana/grafana-foundation-sdk/table';
import * as text from '@grafana/grafana-foundation-sdk/text';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import type { DatasourceUids } from '../datasources';
import { datasourceRefs } from './datasource-refs';
import { lokiTargets, profileTargets, promTargets, tempoTargets, type LokiQuery, type ProfileQuery, type PromQuery, type TempoQuery } from './targets';

export interface Size {
  width: number;
  height: number;
}
const half: Size = { width: 12, height: 8 };

export interface DataLink {
  title: string;
  url: string;
}

function links(dataLinks: readonly DataLink[] | undefined): DashboardLinkBuilder[] {
  return (dataLinks ?? []).map((l) => new DashboardLinkBuilder(l.title).url(l.url).targetBlank(false));
}

function legend(): common.VizLegendOptionsBuilder {
  return new common.VizLegendOptionsBuilder()
    .showLegend(true)
    .displayMode(common.LegendDisplayMode.Table)
    .placement(common.LegendPlacement.Right)
    .calcs(['mean', 'max']);
}

export interface TimeSeriesSpec {
  title: string;
  description: string;
  unit: string;
  queries: readonly PromQuery[];
  size?: Size;
  stacked?: boolean;
  links?: readonly DataLink[];
  min?: number;
  max?: number;
}

export function timeSeriesPanel(uids: DatasourceUids, spec: TimeSeriesSpec): timeseries.PanelBuilder {
  const panel = new timeseries.PanelBuilder()
    .title(spec.title)
    .description(spec.description)
    .datasource(datasourceRefs(uids).prometheus)
    .unit(spec.unit)
    .span((spec.size ?? half).width)
    .height((spec.size ?? half).height)
    .legend(legend())
    .tooltip(new common.VizTooltipOptionsBuilder().mode(common.TooltipDisplayMode.Multi).sort(common.SortOrder.Descending))
    .fillOpacity(spec.stacked ? 40 : 8)
    .targets(promTargets(uids, spec.queries));
  if (spec.stacked) panel.stacking(new common.StackingConfigBuilder().mode(common.StackingMode.Normal));
  if (spec.min !== undefined) panel.min(spec.min);
  if (spec.max !== undefined) panel.max(spec.max);
  if (spec.links?.length) panel.dataLinks(links(spec.links));
  return panel;
}

/** A profile type's total over time from Pyroscope (its series API), e.g. CPU or heap per replica. */
export function profileSeriesPanel(
  uids: DatasourceUids,
  spec: { title: string; description: string; unit: string; query: ProfileQuery; size?: Size },
): timeseries.PanelBuilder {
  return new timeseries.PanelBuilder()
    .title(spec.title)
    .description(spec.description)
    .datasource(datasourceRefs(uids).pyroscope)
    .unit(spec.unit)
    .span((spec.size ?? half).width)
    .height((spec.size ?? half).height)
    .legend(legend())
    .tooltip(new common.VizTooltipOptionsBuilder().mode(common.TooltipDisplayMode.Multi).sort(common.SortOrder.Descending))
    .fillOpacity(8)
    .targets(profileTargets(uids, [spec.query]));
}

/** Log volume from Loki, as a time series (LogQL metric query). */
export function logVolumePanel(
  uids: DatasourceUids,
  spec: { title: string; description: string; queries: readonly LokiQuery[]; size?: Size; links?: readonly DataLink[] },
): timeseries.PanelBuilder {
  const panel = new timeseries.PanelBuilder()
    .title(spec.title)
    .description(spec.description)
    .datasource(datasourceRefs(uids).loki)
    .unit('short')
    .span((spec.size ?? half).width)
    .height((spec.size ?? half).height)
    .legend(legend())
    .drawStyle(common.GraphDrawStyle.Bars)
    .fillOpacity(60)
    .stacking(new common.StackingConfigBuilder().mode(common.StackingMode.Normal))
    .targets(lokiTargets(uids, spec.queries));
  if (spec.links?.length) panel.dataLinks(links(spec.links));
  return panel;
}

export interface StatSpec {
  title: string;
  description: string;
  unit: string;
  query: PromQuery;
  /** Ascending [value, color] steps; the first value is ignored (base). */
  thresholds: ReadonlyArray<readonly [number | null, string]>;
  size?: Size;
  decimals?: number;
}

export function statPanel(uids: DatasourceUids, spec: StatSpec): stat.PanelBuilder {
  const panel = new stat.PanelBuilder()
    .title(spec.title)
    .description(spec.description)
    .datasource(datasourceRefs(uids).prometheus)
    .unit(spec.unit)
    .span((spec.size ?? { width: 6, height: 5 }).width)
    .height((spec.size ?? { width: 6, height: 5 }).height)
    .colorMode(common.BigValueColorMode.Background)
    .graphMode(common.BigValueGraphMode.Area)
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']))
    .thresholds(
      new ThresholdsConfigBuilder()
        .mode(ThresholdsMode.Absolute)
        .steps(spec.thresholds.map(([value, color]) => ({ value, color }))),
    )
    .targets(promTargets(uids, [spec.query]));
  if (spec.decimals !== undefined) panel.decimals(spec.decimals);
  return panel;
}

export function promTablePanel(
  uids: DatasourceUids,
  spec: { title: string; description: string; unit: string; queries: readonly PromQuery[]; size?: Size; links?: readonly DataLink[] },
): table.PanelBuilder {
  const panel = new table.PanelBuilder()
    .title(spec.title)
    .description(spec.description)
    .datasource(datasourceRefs(uids).prometheus)
    .unit(spec.unit)
    .span((spec.size ?? half).width)
    .height((spec.size ?? half).height)
    .targets(promTargets(uids, spec.queries))
    .withTransformation({ id: 'merge', options: {} });
  if (spec.links?.length) panel.dataLinks(links(spec.links));
  return panel;
}

/** Trace search results; each trace id opens in Tempo through the datasource's own link. */
export function traceTablePanel(
  uids: DatasourceUids,
  spec: { title: string; description: string; query: TempoQuery; size?: Size },
): table.PanelBuilder {
  return new table.PanelBuilder()
    .title(spec.title)
    .description(spec.description)
    .datasource(datasourceRefs(uids).tempo)
    .span((spec.size ?? half).width)
    .height((spec.size ?? half).height)
    .targets(tempoTargets(uids, [spec.query]));
}

/** Log lines; the Loki datasource's derived field on `trace_id` turns each line into a trace link. */
export function logsPanel(
  uids: DatasourceUids,
  spec: { title: string; description: string; query: LokiQuery; size?: Size },
): logs.PanelBuilder {
  return new logs.PanelBuilder()
    .title(spec.title)
    .description(spec.description)
    .datasource(datasourceRefs(uids).loki)
    .span((spec.size ?? { width: 24, height: 10 }).width)
    .height((spec.size ?? { width: 24, height: 10 }).height)
    .showTime(true)
    .wrapLogMessage(true)
    .enableLogDetails(true)
    .sortOrder(common.LogsSortOrder.Descending)
    .dedupStrategy(common.LogsDedupStrategy.None)
    .targets(lokiTargets(uids, [spec.query]));
}

export function serviceMapPanel(
  uids: DatasourceUids,
  spec: { title: string; description: string; size?: Size },
): nodegraph.PanelBuilder {
  const query: TempoQuery = { kind: 'serviceMap' };
  return new nodegraph.PanelBuilder()
    .title(spec.title)
    .description(spec.description)
    .datasource(datasourceRefs(uids).tempo)
    .span((spec.size ?? { width: 24, height: 14 }).width)
    .height((spec.size ?? { width: 24, height: 14 }).height)
    .targets(tempoTargets(uids, [query]));
}

export function markdownPanel(spec: { title: string; content: string; size?: Size }): text.PanelBuilder {
  return new text.PanelBuilder()
    .title(spec.title)
    .mode(text.TextMode.Markdown)
    .content(spec.content)
    .span((spec.size ?? { width: 24, height: 4 }).width)
    .height((spec.size ?? { width: 24, height: 4 }).height);
}

