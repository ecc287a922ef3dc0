import { test } from 'node:test';
import assert from 'node:assert/strict';
import { transformSync } from 'esbuild';
import { k6Scripts } from '../src/index.ts';

/**
 * k6 (internal/js/compiler/enhanced.go) strips types file by file with esbuild's Transform API: loader TS,
 * target ESNext, default format (ES modules kept), platform neutral. k6 2.x vendors esbuild 0.28; this test
 * runs every shipped file through the same transform, so syntax esbuild cannot strip in isolation (or a type
 * import it would keep as a runtime import) fails here rather than in the container.
 */
for (const script of k6Scripts()) {
  test(`${script.path} survives k6's esbuild type-stripping`, () => {
    const result = transformSync(script.content, {
      loader: 'ts',
      sourcefile: script.path,
      target: 'esnext',
      platform: 'neutral',
      legalComments: 'none',
      charset: 'utf8',
    });
    assert.deepEqual(result.warnings, []);
    const runtimeImports = [...result.code.matchAll(/^import\s.*?from\s+["']([^"']+)["']/gm)].map((m) => m[1]!);
    for (const spec of runtimeImports) {
      // After stripping, only k6 built-ins and shipped relative modules may remain (no 'k6/options' types).
      assert.ok(spec.startsWith('./') || spec.startsWith('../') || /^k6(\/(http|crypto|metrics))?$/.test(spec), `${script.path}: runtime import ${spec}`);
    }
    assert.ok(!/\binterface\s+\w+\s*\{|:\s*(string|number|boolean)\b[,)=;]/.test(result.code.replace(/(["'`]).*?\1/g, '')), `${script.path}: types left in output`);
  });
}
