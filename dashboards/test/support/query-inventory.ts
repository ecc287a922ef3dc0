/**
 * Every query the built dashboards and rule files contain, found by walking the JSON the infra
 * program provisions (targets, template variables, and the queries inside Explore data links).
 */
export type Language = 'promql' | 'logql' | 'traceql';

export interface FoundQuery {
  language: Language;
  text: string;
  where: string;
  /** The target asks Prometheus for exemplars (Grafana's `exemplar: true`). */
  exemplar?: boolean;
}

type Json = Record<string, unknown>;

function asObjects(value: unknown): Json[] {
  return Array.isArray(value) ? (value.filter((v) => v && typeof v === 'object') as Json[]) : [];
}

function languageOf(datasource: unknown): Language | undefined {
  const type = (datasource as Json | undefined)?.type;
  if (type === 'prometheus') return 'promql';
  if (type === 'loki') return 'logql';
  if (type === 'tempo') return 'traceql';
  return undefined;
}

function fromTarget(target: Json, where: string): FoundQuery[] {
  const language = languageOf(target.datasource);
  if (language === 'promql') return [{ language, text: String(target.expr ?? ''), where, exemplar: target.exemplar === true }];
  if (language === 'logql') return [{ language, text: String(target.expr ?? ''), where }];
  if (language === 'traceql' && target.queryType === 'traceql') return [{ language, text: String(target.query ?? ''), where }];
  return [];
}

/** Queries embedded in `/explore?...&panes=<json>` data links. */
export function fromExploreUrl(url: string, where: string): FoundQuery[] {
  const match = /[?&]panes=([^&]*)/.exec(url);
  if (!match?.[1]) return [];
  const panes = JSON.parse(decodeURIComponent(match[1])) as Record<string, { queries: Json[] }>;
  return Object.values(panes).flatMap((pane) => pane.queries.flatMap((q) => fromTarget(q, `${where} (explore link)`)));
}

export function panelsOf(dashboard: Json): Json[] {
  return asObjects(dashboard.panels).flatMap((p) => [p, ...asObjects(p.panels)]);
}

export function dashboardQueries(dashboard: Json): FoundQuery[] {
  const name = String(dashboard.title);
  const found: FoundQuery[] = [];
  for (const panel of panelsOf(dashboard)) {
    const where = `${name} / ${String(panel.title)}`;
    for (const target of asObjects(panel.targets)) found.push(...fromTarget(target, where));
    const links = asObjects(((panel.fieldConfig as Json | undefined)?.defaults as Json | undefined)?.links);
    for (const link of links) found.push(...fromExploreUrl(String(link.url), where));
  }
  const annotations = asObjects((dashboard.annotations as Json | undefined)?.list);
  for (const annotation of annotations) {
    if (annotation.target && typeof annotation.target === 'object') {
      found.push(...fromTarget(annotation.target as Json, `${name} / annotation ${String(annotation.name)}`));
    }
  }
  const variables = asObjects((dashboard.templating as Json | undefined)?.list);
  for (const variable of variables) {
    const text = typeof variable.query === 'string' ? variable.query : '';
    const inner = /^label_values\((.*),\s*[a-zA-Z_][a-zA-Z0-9_]*\)$/.exec(text);
    if (inner?.[1]) found.push({ language: 'promql', text: inner[1], where: `${name} / variable ${String(variable.name)}` });
  }
  return found;
}

export function ruleQueries(files: ReadonlyArray<{ fileName: string; content: Json }>): FoundQuery[] {
  return files.flatMap((file) =>
    asObjects(file.content.groups).flatMap((group) =>
      asObjects(group.rules).map((rule) => ({
        language: 'promql' as const,
        text: String(rule.expr),
        where: `${file.fileName} / ${String(rule.record ?? rule.alert)}`,
      })),
    ),
  );
}

export function recordedNames(files: ReadonlyArray<{ content: Json }>): Set<string> {
  return new Set(
    files.flatMap((f) => asObjects(f.content.groups).flatMap((g) => asObjects(g.rules).flatMap((r) => (r.record ? [String(r.record)] : [])))),
  );
}
