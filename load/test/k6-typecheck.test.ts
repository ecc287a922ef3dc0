import { test } from 'node:test';
import assert from 'node:assert/strict';
import ts from 'typescript';
import { join } from 'node:path';
import { k6SourceDir } from '../src/scripts.ts';

const configPath = join(k6SourceDir, 'tsconfig.json');

function loadConfig(): ts.ParsedCommandLine {
  const read = ts.readConfigFile(configPath, ts.sys.readFile);
  if (read.error) throw new Error(ts.flattenDiagnosticMessageText(read.error.messageText, '\n'));
  return ts.parseJsonConfigFileContent(read.config, ts.sys, k6SourceDir);
}

function format(diagnostics: readonly ts.Diagnostic[]): string {
  return ts.formatDiagnostics(diagnostics, {
    getCanonicalFileName: (f) => f,
    getCurrentDirectory: () => k6SourceDir,
    getNewLine: () => '\n',
  });
}

test('every k6 script type-checks against @types/k6 (no DOM, no Node globals)', () => {
  const config = loadConfig();
  const scenarioFiles = config.fileNames.filter((f) => f.includes('/scenarios/'));
  assert.ok(scenarioFiles.length >= 12, `expected every scenario and its options, got ${scenarioFiles.length} files`);
  const program = ts.createProgram(config.fileNames, config.options);
  const diagnostics = ts.getPreEmitDiagnostics(program);
  assert.equal(diagnostics.length, 0, format(diagnostics));
});

test('the type-check is real: a script misusing the k6 API is rejected', () => {
  const config = loadConfig();
  const broken = join(k6SourceDir, 'scenarios', '__broken.ts');
  const host = ts.createCompilerHost(config.options);
  const original = host.getSourceFile.bind(host);
  const brokenSource = [
    "import http from 'k6/http';",
    "import { Options } from 'k6/options';",
    // wrong: timeout is a string or number, executor is a closed set, process is a Node global k6 lacks
    "export const options: Options = { scenarios: { a: { executor: 'constant-rate', rate: 1 } } };",
    "export default function () { http.get('http://x', { timeout: true }); process.exit(1); }",
  ].join('\n');
  host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) =>
    fileName === broken
      ? ts.createSourceFile(fileName, brokenSource, languageVersion, true, ts.ScriptKind.TS)
      : original(fileName, languageVersion, onError, shouldCreate);
  const program = ts.createProgram([broken], config.options, host);
  const messages = ts
    .getPreEmitDiagnostics(program)
    .filter((d) => d.file?.fileName === broken)
    .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  assert.ok(messages.some((m) => m.includes("'process'")), `Node globals must be unknown:\n${messages.join('\n')}`);
  assert.ok(messages.some((m) => m.includes('constant-rate')), `executor names must be checked:\n${messages.join('\n')}`);
  assert.ok(messages.some((m) => m.includes("'true'")), `request params must be checked:\n${messages.join('\n')}`);
  // verbatimModuleSyntax: a type imported without `import type` would survive esbuild's per-file transform.
  assert.ok(messages.some((m) => m.includes('verbatimModuleSyntax') || m.includes('type-only')), messages.join('\n'));
});
