import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as api from '@lab/dashboards';

test('the package exports the cross-workspace contract', () => {
  assert.equal(typeof api.buildDashboards, 'function');
  assert.equal(typeof api.buildPrometheusRuleFiles, 'function');
  assert.deepEqual(Object.keys(api.grafanaDatasourceUids).sort(), ['alertmanager', 'loki', 'prometheus', 'pyroscope', 'tempo']);
  assert.deepEqual([...api.severities], ['page', 'ticket']);
  assert.deepEqual(Object.keys(api.collectorPrometheusReaderOptions).sort(), ['without_scope_info', 'without_type_suffix', 'without_units']);
});
