/** LabFaultsNotApplied fires when the fault controller cannot reach Toxiproxy or never succeeds, and only then. */
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { stringify } from 'yaml';
import { faultMetrics } from '@lab/service/fault-controller';
import { faultLabRules, faultsNotApplied } from '../src/rules/fault-lab-alerts';
import { promtoolPath, runPromtool, withoutAnnotations, writeYamlFiles } from './support/promtool';

const up = faultMetrics.toxiproxyUp.name;
const reconciles = faultMetrics.reconciles.name;
const labels = { ...faultsNotApplied.labels };

function controllerSeries(opts: { upFrom: number; failingFrom: number }) {
  const minutes = 30;
  const upValues = Array.from({ length: minutes }, (_, m) => (m >= opts.upFrom ? 0 : 1)).join(' ');
  // One reconciliation every 5 s: 12 a minute, failing from `failingFrom`.
  let ok = 0;
  let failed = 0;
  const okValues: number[] = [];
  const failedValues: number[] = [];
  for (let m = 0; m < minutes; m++) {
    if (m >= opts.failingFrom) failed += 12;
    else ok += 12;
    okValues.push(ok);
    failedValues.push(failed);
  }
  return [
    { series: `${up}{job="fault-controller"}`, values: upValues },
    { series: `${reconciles}{job="fault-controller", outcome="success"}`, values: okValues.join(' ') },
    { series: `${reconciles}{job="fault-controller", outcome="error"}`, values: failedValues.join(' ') },
  ];
}

const never = 1000;
const cases = [
  { name: 'healthy controller', series: controllerSeries({ upFrom: never, failingFrom: never }), at: '25m', fires: false },
  { name: 'Toxiproxy unreachable from minute 10', series: controllerSeries({ upFrom: 10, failingFrom: 10 }), at: '13m', fires: true },
  { name: 'Toxiproxy answers but every reconciliation fails from minute 10', series: controllerSeries({ upFrom: never, failingFrom: 10 }), at: '18m', fires: true },
  { name: 'the same failure, before five minutes without a success have passed', series: controllerSeries({ upFrom: never, failingFrom: 10 }), at: '13m', fires: false },
];

test('LabFaultsNotApplied fires on an unreachable Toxiproxy or failing reconciliations, not on a healthy controller (promtool test rules)', { skip: !existsSync(promtoolPath) && 'promtool not installed' }, () => {
  const file = { fileName: 'fault-lab.rules.yml', content: withoutAnnotations({ groups: [faultLabRules()] }) };
  const dir = writeYamlFiles([file]);
  const tests = cases.map((c) => ({
    name: c.name,
    interval: '1m',
    input_series: c.series,
    alert_rule_test: [{ eval_time: c.at, alertname: faultsNotApplied.alert, exp_alerts: c.fires ? [{ exp_labels: labels }] : [] }],
  }));
  writeFileSync(join(dir, 'fault-lab.test.yml'), stringify({ rule_files: [file.fileName], evaluation_interval: '1m', tests }, { lineWidth: 0 }));
  const { status, output } = runPromtool(['test', 'rules', 'fault-lab.test.yml'], dir);
  assert.equal(status, 0, output);
});
