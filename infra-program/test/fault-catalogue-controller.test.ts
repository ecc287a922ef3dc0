/**
 * Every scenario of the failure-lab catalogue (@lab/dashboards), along the path a deploy takes it: the stack's
 * `faultScenario` -> the program (under mocks, on both targets) -> the file the fault controller is given and
 * the FAULTS_FILE it is told -> the controller's own environment reader, file reader and parser -> its plan
 * against Toxiproxy as Toxiproxy starts from the program's `-config` file, and the faults its metrics report.
 * The plan must break exactly the links the scenario's faults name, the way they name them, and the flags must
 * be exactly its app faults: a drift between what the program writes and what the controller reads fails here.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { faultScenarios } from '@lab/dashboards';
import {
  type Change,
  type DeclaredFlag,
  type FaultDeclaration,
  faultMetrics,
  loadFaultControllerSettings,
  planChanges,
  readDeclaration,
  renderMetrics,
  type ToxiproxyProxy,
} from '@lab/service/fault-controller';
import { faultFlags, type FaultFlagName } from '@lab/service/fault-flags';
import { type AppFaults, faultLinks, type FaultSettings, type LinkFaults, noFaultScenario } from '@lab/service/failure-lab';
import { runProgram } from './harness';
import { partViews, viewOf, type PartView, type TargetKind } from './target-views';

/** A change with the toxic's name left out: the name is the program's bookkeeping, the rest is the fault. */
type PlannedFault = Record<string, unknown>;

const plannedFault = (change: Change): PlannedFault => {
  if (change.action !== 'add_toxic') return { ...change };
  const { name: _name, ...toxic } = change.toxic;
  return { action: change.action, proxy: change.proxy, toxic };
};

/**
 * What a link's faults ask of a Toxiproxy that has the proxy enabled with no toxic, written from the model's
 * field documentation (faults/model.ts: each field one toxic on the downstream, `down` the proxy disabled,
 * `toxicity` shared) and Toxiproxy v2.12.0's attribute names (toxics/*.go), not from the generator.
 */
function expectedLinkChanges(link: string, faults: LinkFaults): PlannedFault[] {
  const toxicity = faults.toxicity ?? 1;
  const add = (type: string, attributes: Record<string, number>): PlannedFault => ({
    action: 'add_toxic',
    proxy: link,
    toxic: { type, stream: 'downstream', toxicity, attributes },
  });
  const changes: PlannedFault[] = [];
  if (faults.down === true) changes.push({ action: 'disable', proxy: link });
  if (faults.latencyMs !== undefined && faults.latencyMs > 0) changes.push(add('latency', { latency: faults.latencyMs, jitter: faults.jitterMs ?? 0 }));
  if (faults.bandwidthKBps !== undefined) changes.push(add('bandwidth', { rate: faults.bandwidthKBps }));
  if (faults.timeoutMs !== undefined) changes.push(add('timeout', { timeout: faults.timeoutMs }));
  if (faults.resetPeerMs !== undefined) changes.push(add('reset_peer', { timeout: faults.resetPeerMs }));
  if (faults.slicer !== undefined) {
    const { averageBytes, variationBytes, delayUs } = faults.slicer;
    changes.push(add('slicer', { average_size: averageBytes, size_variation: variationBytes ?? 0, delay: delayUs }));
  }
  return changes;
}

/** The flags an app fault serves off their default (service/src/faults/flags.ts documents each). */
function expectedFlags(app: AppFaults): DeclaredFlag[] {
  const flags: DeclaredFlag[] = [];
  const served = (name: FaultFlagName, value: number | boolean | undefined, routes?: readonly string[]) => {
    if (value === undefined || value === faultFlags[name].defaultValue) return;
    flags.push({ key: faultFlags[name].key, value, ...(routes ? { routes: [...routes] } : {}) });
  };
  served('errorRate', app.errorRate?.ratio, app.errorRate?.routes);
  served('addedLatencyMs', app.latency?.ms, app.latency?.routes);
  served('cacheBypass', app.cacheBypass);
  served('slowQueryMs', app.slowQueryMs);
  served('cpuHogPercent', app.cpuHogPercent);
  served('memoryLeakMbPerMinute', app.memoryLeak?.mbPerMinute);
  served('memoryLeakCapMb', app.memoryLeak?.capMb);
  return flags;
}

const sortedBy = <T>(items: readonly T[], key: (item: T) => string): T[] => [...items].sort((a, b) => key(a).localeCompare(key(b)));
const asJson = (value: unknown) => JSON.stringify(value);

/** Toxiproxy's proxies right after it read the `-config` file the program gives it (PopulateJson: no toxics). */
function toxiproxyAtStart(views: readonly PartView[]): Record<string, ToxiproxyProxy> {
  const toxiproxy = viewOf(views, 'toxiproxy');
  const path = toxiproxy.argv.find((arg) => arg.startsWith('-config='))?.slice('-config='.length);
  assert.ok(path, `toxiproxy is started with -config (argv: ${toxiproxy.argv.join(' ')})`);
  const file = toxiproxy.files.find((f) => f.path === path);
  assert.ok(file, `toxiproxy's -config ${path} is one of its files (${toxiproxy.files.map((f) => f.path).join(', ')})`);
  const listed = JSON.parse(file.content) as Array<Omit<ToxiproxyProxy, 'toxics'>>;
  return Object.fromEntries(listed.map((proxy) => [proxy.name, { ...proxy, toxics: [] }]));
}

/** The `lab_fault_active` series of a rendered exposition, as `link/fault`. */
function activeFaults(exposition: string): string[] {
  const series = new RegExp(`^${faultMetrics.active.name}\\{link="([^"]*)",fault="([^"]*)"\\} 1$`, 'gm');
  return [...exposition.matchAll(series)].map((match) => `${match[1]}/${match[2]}`).sort();
}

function expectedActive(faults: FaultSettings): string[] {
  const active: string[] = [];
  for (const link of faultLinks) {
    for (const change of expectedLinkChanges(link, faults[link] ?? {})) {
      active.push(`${link}/${change.action === 'disable' ? 'down' : (change.toxic as { type: string }).type}`);
    }
  }
  for (const flag of expectedFlags(faults.app ?? {})) active.push(`app/${flag.key}`);
  return active.sort();
}

interface ControllerView {
  readonly declaration: FaultDeclaration;
  readonly planned: PlannedFault[];
  readonly missing: readonly string[];
  readonly active: string[];
}

let scratch: string;
before(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'fault-catalogue-'));
});
after(async () => {
  await rm(scratch, { recursive: true, force: true });
});

/** Runs the program with the scenario, then reads its declaration the way the controller's main.ts does. */
async function controllerSees(target: TargetKind, scenario: string): Promise<ControllerView> {
  const run = await runProgram({ stack: 'catalogue', config: { faultScenario: scenario, ...(target === 'kubernetes' ? { target } : {}) } });
  const views = partViews(target, run);
  const controller = viewOf(views, 'fault-controller');
  const settings = loadFaultControllerSettings({ ...controller.env });
  const file = controller.files.find((f) => f.path === settings.faultsFile);
  assert.ok(file, `FAULTS_FILE ${settings.faultsFile} is one of the controller's files (${controller.files.map((f) => f.path).join(', ')})`);
  const local = join(scratch, `${target}-${scenario}.json`);
  await writeFile(local, file.content);
  const { declaration } = await readDeclaration(local);
  const plan = planChanges(declaration.proxies, toxiproxyAtStart(views));
  const metrics = renderMetrics({ declaration, toxiproxyUp: true, reconciles: { success: 0, error: 0 }, changes: new Map() });
  return { declaration, planned: plan.changes.map(plannedFault), missing: plan.missing, active: activeFaults(metrics) };
}

for (const target of ['docker', 'kubernetes'] as const) {
  describe(`the failure-lab catalogue through the fault controller (${target})`, () => {
    test('no scenario: Toxiproxy as started is already what the controller wants, and no flag is declared', async () => {
      const seen = await controllerSees(target, noFaultScenario);
      assert.deepEqual(seen.missing, []);
      assert.deepEqual(seen.planned, []);
      assert.deepEqual(seen.declaration.flags, []);
      assert.deepEqual(seen.active, []);
    });

    for (const scenario of faultScenarios) {
      test(`${scenario.name}: the controller accepts its declaration and breaks what the scenario names`, async () => {
        const seen = await controllerSees(target, scenario.name);
        assert.deepEqual(seen.missing, [], 'every declared proxy exists in Toxiproxy');
        const expected = faultLinks.flatMap((link) => expectedLinkChanges(link, scenario.faults[link] ?? {}));
        assert.deepEqual(sortedBy(seen.planned, asJson), sortedBy(expected, asJson), 'the links the scenario breaks, and only those');
        assert.deepEqual(sortedBy(seen.declaration.flags, (f) => f.key), sortedBy(expectedFlags(scenario.faults.app ?? {}), (f) => f.key));
        assert.deepEqual(seen.active, expectedActive(scenario.faults), `${faultMetrics.active.name} reports the scenario's faults`);
        // A scenario the controller turns into nothing would be a lab exercise with no fault.
        assert.ok(seen.active.length > 0, `${scenario.name} declares no fault the controller sees`);
      });
    }
  });
}
