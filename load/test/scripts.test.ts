import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { k6Scripts, scenarioNames } from '../src/index.ts';
import { k6SourceDir } from '../src/scripts.ts';
import { httpCalls, importSpecifiers, parse } from './support/k6-source.ts';
import ts from 'typescript';

const scripts = k6Scripts();
const byPath = new Map(scripts.map((s) => [s.path, s]));

test('k6Scripts ships every scenario entry point, read from disk, with relative posix paths', () => {
  for (const scenario of scenarioNames) assert.ok(byPath.has(`scenarios/${scenario}.ts`), scenario);
  for (const script of scripts) {
    assert.ok(!script.path.startsWith('/') && !script.path.includes('\\') && !script.path.includes('..'), script.path);
    assert.ok(!script.path.endsWith('.d.ts'), `${script.path}: declaration files are for the type-check only`);
    assert.equal(script.content, readFileSync(join(k6SourceDir, script.path), 'utf8'));
  }
  assert.deepEqual(scripts.map((s) => s.path), [...scripts.map((s) => s.path)].sort((a, b) => a.localeCompare(b)));
});

test('every relative import of every shipped file is shipped too (k6 resolves files, it does not bundle)', () => {
  for (const script of scripts) {
    const source = ts.createSourceFile(script.path, script.content, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
    for (const spec of importSpecifiers(source)) {
      if (spec.startsWith('.')) {
        assert.ok(spec.endsWith('.ts'), `${script.path}: import ${spec} needs its .ts extension for k6`);
        const resolved = posix.normalize(posix.join(posix.dirname(script.path), spec));
        assert.ok(byPath.has(resolved), `${script.path} imports ${spec}, which is not uploaded`);
      } else {
        assert.match(spec, /^k6(\/|$)/, `${script.path}: only k6 modules exist in the container, not ${spec}`);
      }
    }
  }
});

test('every request to the service goes through requestParams, which sets the Host header', () => {
  const allowed = new Set(['lib/shop.ts', 'lib/probes.ts']);
  for (const script of scripts) {
    const calls = httpCalls(parse(join(k6SourceDir, script.path)));
    if (!allowed.has(script.path)) {
      assert.deepEqual(calls, [], `${script.path} makes its own requests: use lib/shop.ts so the Host header is set`);
    }
  }
  const shopCalls = httpCalls(parse(join(k6SourceDir, 'lib/shop.ts')));
  assert.ok(shopCalls.length >= 13, 'one request per route');
  for (const call of shopCalls) {
    assert.match(call.argumentTexts[call.argumentTexts.length - 1] ?? '', /^requestParams\(target, '\w+'/, `lib/shop.ts:${call.line}`);
  }
});
