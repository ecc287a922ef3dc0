/**
 * Writes the generated dashboards and rule files to a directory for inspection
 * (`npm run render -w @lab/dashboards -- /tmp/out`), and refreshes the generated README sections: the
 * walkthrough in this folder's README, the failure lab in the root README.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { buildDashboards, buildPrometheusRuleFiles, grafanaDatasourceUids } from '../src/index';
import { failureLabMarkdown } from '../src/faults/readme-section';
import { walkthroughMarkdown } from '../src/walkthrough';
import { failureLabEnd, failureLabStart, replaceSection, replaceWalkthrough } from './readme-section';

const out = process.argv[2];
if (out) {
  mkdirSync(out, { recursive: true });
  for (const d of buildDashboards(grafanaDatasourceUids)) writeFileSync(join(out, d.fileName), JSON.stringify(d.dashboard, null, 2));
  for (const r of buildPrometheusRuleFiles()) writeFileSync(join(out, r.fileName), stringify(r.content, { lineWidth: 0 }));
}
const readmePath = join(__dirname, '..', 'README.md');
writeFileSync(readmePath, replaceWalkthrough(readFileSync(readmePath, 'utf8'), walkthroughMarkdown()));
const rootReadmePath = join(__dirname, '..', '..', 'README.md');
writeFileSync(rootReadmePath, replaceSection(readFileSync(rootReadmePath, 'utf8'), failureLabMarkdown(), failureLabStart, failureLabEnd));
