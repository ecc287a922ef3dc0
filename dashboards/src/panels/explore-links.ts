/**
 * Links into Grafana Explore, built from typed pane state and the provisioned datasource uids.
 * Grafana interpolates `${...}` variables in a data link before following it, so those tokens are
 * kept readable while the rest of the pane JSON is URL-encoded.
 */
import type { DatasourceRef } from './datasource-refs';

export interface ExplorePane {
  datasource: DatasourceRef;
  query: { expr: string } | { query: string; queryType: 'traceql' };
  from: string;
  to: string;
}

const variableToken = /\$\{[^}]+\}/g;

function encodeKeepingVariables(text: string): string {
  const parts = text.split(variableToken);
  const variables = text.match(variableToken) ?? [];
  return parts.map((part, i) => encodeURIComponent(part) + (variables[i] ?? '')).join('');
}

export function exploreUrl(pane: ExplorePane): string {
  const panes = {
    a: {
      datasource: pane.datasource.uid,
      queries: [{ refId: 'A', datasource: pane.datasource, ...pane.query }],
      range: { from: pane.from, to: pane.to },
    },
  };
  return `/explore?schemaVersion=1&orgId=1&panes=${encodeKeepingVariables(JSON.stringify(panes))}`;
}
