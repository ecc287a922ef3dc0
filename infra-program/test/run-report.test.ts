/**
 * The wrapper a reported run (k6) goes through on Kubernetes, run for real under /bin/sh: the pod exits 0
 * whatever the program's code, so `pulumi refresh` reads a failed threshold as a result; the termination
 * message file holds the code and the output's tail within the kubelet's 4096 bytes; the output still
 * reaches the log as it is written.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parseRunReport, reportTailBytes, runReportScript } from '../src/targets/kubernetes/run-report';

function run(program: string, ...programArgs: string[]) {
  const dir = mkdtempSync(join(tmpdir(), 'run-report-'));
  const messagePath = join(dir, 'termination-log');
  try {
    const result = spawnSync('/bin/sh', ['-c', runReportScript(messagePath), 'sh', '/bin/sh', '-c', program, 'program', ...programArgs], { encoding: 'utf8' });
    return { status: result.status, stdout: result.stdout, message: readFileSync(messagePath, 'utf8') };
  } finally {
    rmSync(dir, { recursive: true });
  }
}

describe('the reporting wrapper of a run whose exit code is its result', () => {
  test('a failed run: the pod exits 0, the message holds the code and the tail, the log holds everything', () => {
    const result = run('echo "running $1"; echo "thresholds crossed" >&2; exit 99', 'scenario');
    assert.equal(result.status, 0, 'the container succeeds');
    assert.equal(result.stdout, 'running scenario\nthresholds crossed\n', 'stdout and stderr reach the log');
    assert.deepEqual(parseRunReport(result.message), { exitCode: 99, tail: 'running scenario\nthresholds crossed\n' });
  });

  test('a passed run reports code 0 and its tail', () => {
    assert.deepEqual(parseRunReport(run('echo summary').message), { exitCode: 0, tail: 'summary\n' });
  });

  test('a long output is cut to its tail, within the 4096 bytes the kubelet reads', () => {
    const result = run('i=0; while [ $i -lt 2000 ]; do echo "line $i"; i=$((i+1)); done; exit 3');
    assert.ok(Buffer.byteLength(result.message) <= 4096, `${Buffer.byteLength(result.message)} bytes`);
    const report = parseRunReport(result.message)!;
    assert.equal(report.exitCode, 3);
    assert.equal(Buffer.byteLength(report.tail), reportTailBytes);
    assert.ok(report.tail.endsWith('line 1999\n'));
  });

  test('no report (the wrapper itself killed): the kubelet\'s log fallback is not mistaken for one', () => {
    assert.equal(parseRunReport('fatal error: runtime: out of memory\n'), undefined);
    assert.equal(parseRunReport(''), undefined);
    assert.equal(parseRunReport(undefined), undefined);
  });
});
