import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as api from '@lab/dashboards';

test('the package exports the cross-workspace contract', () => {
  assert.equal(typeof api.buildDashboards, 'function');
  assert.equal(typeof api.buildPrometheusRuleFiles, 'function');
  assert.deepEqual(Object.keys(api.grafanaDatasourceUids).sort(), ['loki', 'prometheus', 'tempo']);
});
