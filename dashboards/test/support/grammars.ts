/**
 * Offline parsing with the grammars Grafana's own editors use. Grafana macros and variables are
 * replaced by literals first, since the languages themselves do not know them.
 */
import { parser as logqlParser } from '@grafana/lezer-logql';
import { parser as traceqlParser } from '@grafana/lezer-traceql';
import { parser as promqlParser } from '@prometheus-io/lezer-promql';
import type { Language } from './query-inventory';

/** Grafana interval macros become a duration; any other variable becomes a plain word. */
export function substituteGrafanaVariables(query: string): string {
  return query
    .replace(/\$__(rate_interval|interval|range|auto)\b/g, '5m')
    .replace(/\$\{[^}]+\}/g, 'x')
    .replace(/\$[a-zA-Z_][a-zA-Z0-9_]*/g, 'x');
}

const parsers = { promql: promqlParser, logql: logqlParser, traceql: traceqlParser } as const;

type Tree = ReturnType<typeof promqlParser.parse>;

export interface ParseResult {
  tree: Tree;
  text: string;
  errors: Array<{ from: number; to: number }>;
}

export function parse(language: Language, query: string): ParseResult {
  const text = substituteGrafanaVariables(query);
  const tree = parsers[language].parse(text);
  const errors: ParseResult['errors'] = [];
  tree.iterate({
    enter: (node) => {
      if (node.type.isError) errors.push({ from: node.from, to: node.to });
    },
  });
  return { tree, text, errors };
}

/** Metric names a PromQL expression selects (the Identifier of every VectorSelector). */
export function promqlMetricNames(query: string): string[] {
  const { tree, text } = parse('promql', query);
  const names: string[] = [];
  tree.iterate({
    enter: (node) => {
      if (node.name !== 'VectorSelector') return;
      const id = node.node.getChild('Identifier');
      if (id) names.push(text.slice(id.from, id.to));
      // {__name__="..."} selectors name their metric in a matcher instead.
      const nameMatcher = /__name__\s*=\s*"([^"]+)"/.exec(text.slice(node.from, node.to));
      if (nameMatcher?.[1]) names.push(nameMatcher[1]);
    },
  });
  return names;
}

/** Each vector selector of a PromQL expression: its metric name and the label names it matches on. */
export function promqlSelectors(query: string): Array<{ metric: string; labels: string[] }> {
  const { tree, text } = parse('promql', query);
  const selectors: Array<{ metric: string; labels: string[] }> = [];
  tree.iterate({
    enter: (node) => {
      if (node.name !== 'VectorSelector') return;
      const id = node.node.getChild('Identifier');
      const labels: string[] = [];
      node.node.getChild('LabelMatchers')?.cursor().iterate((inner) => {
        if (inner.name === 'LabelName') labels.push(text.slice(inner.from, inner.to));
      });
      selectors.push({ metric: id ? text.slice(id.from, id.to) : '', labels });
    },
  });
  return selectors;
}
