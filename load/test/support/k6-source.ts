/** Static facts about the k6 sources, read with the TypeScript compiler API (no k6 runtime needed). */
import ts from 'typescript';
import { readFileSync } from 'node:fs';
import type { MetricType } from './k6-options-check.ts';

export function parse(file: string): ts.SourceFile {
  return ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
}

function visit(node: ts.Node, fn: (node: ts.Node) => void): void {
  fn(node);
  node.forEachChild((child) => visit(child, fn));
}

const isExported = (node: ts.Node): boolean =>
  ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);

/** Names of the functions a module exports (function declarations and exported const arrow functions). */
export function exportedFunctions(source: ts.SourceFile): Set<string> {
  const names = new Set<string>();
  for (const statement of source.statements) {
    if (!isExported(statement)) continue;
    if (ts.isFunctionDeclaration(statement) && statement.name) {
      const isDefault = (ts.getModifiers(statement) ?? []).some((m) => m.kind === ts.SyntaxKind.DefaultKeyword);
      names.add(isDefault ? 'default' : statement.name.text);
    }
    if (ts.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations) {
        const init = declaration.initializer;
        if (ts.isIdentifier(declaration.name) && init && (ts.isArrowFunction(init) || ts.isFunctionExpression(init))) {
          names.add(declaration.name.text);
        }
      }
    }
  }
  return names;
}

/** Module specifiers of all imports (static `import ... from`). */
export function importSpecifiers(source: ts.SourceFile): string[] {
  return source.statements
    .filter(ts.isImportDeclaration)
    .map((statement) => (statement.moduleSpecifier as ts.StringLiteral).text);
}

const metricClasses: Readonly<Record<string, MetricType>> = { Counter: 'counter', Rate: 'rate', Trend: 'trend', Gauge: 'gauge' };

/** `new Counter('name')` and friends: the custom metrics a module declares. */
export function customMetrics(source: ts.SourceFile): Record<string, MetricType> {
  const found: Record<string, MetricType> = {};
  visit(source, (node) => {
    if (!ts.isNewExpression(node) || !ts.isIdentifier(node.expression)) return;
    const type = metricClasses[node.expression.text];
    const first = node.arguments?.[0];
    if (type && first && ts.isStringLiteral(first)) found[first.text] = type;
  });
  return found;
}

export interface HttpCall {
  readonly method: string;
  readonly argumentTexts: readonly string[];
  readonly line: number;
}

const requestMethods = new Set(['get', 'post', 'put', 'patch', 'del', 'head', 'options', 'request', 'batch', 'asyncRequest']);

/** Calls such as `http.get(...)`: every request a module makes itself. */
export function httpCalls(source: ts.SourceFile): HttpCall[] {
  const calls: HttpCall[] = [];
  visit(source, (node) => {
    if (!ts.isCallExpression(node) || !ts.isPropertyAccessExpression(node.expression)) return;
    const target = node.expression.expression;
    const method = node.expression.name.text;
    if (!ts.isIdentifier(target) || target.text !== 'http' || !requestMethods.has(method)) return;
    calls.push({
      method,
      argumentTexts: node.arguments.map((arg) => arg.getText(source)),
      line: source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1,
    });
  });
  return calls;
}
