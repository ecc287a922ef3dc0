/**
 * Alerts go somewhere a lab user sees, and the data they are computed from is still there: Prometheus
 * keeps samples longer than any rule looks back, sends its alerts to the Alertmanager the program makes,
 * whose generated config the real `amtool` accepts and routes by severity; Grafana reads it.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { grafanaDatasourceUids, severities } from '@lab/dashboards';
import { programPath, realPrograms } from '@lab/service/testing';
import { fallbackReceiver, receiverFor, sameObjectiveLabels } from '../src/configs/alertmanager';
import { images } from '../src/images';
import { byPart, containers, listenPorts, upload, type ContainerView } from './graph';
import { runProgram } from './harness';
import { grafanaTempoJsonData } from './upstream-keys';

const unitMs: Record<string, number> = { y: 365 * 86_400_000, w: 7 * 86_400_000, d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000, ms: 1 };

/** A Prometheus duration (`28d`, `1h30m`, `500ms`) in milliseconds. */
function durationMs(text: string): number {
  const parts = [...text.matchAll(/(\d+)(ms|y|w|d|h|m|s)/g)];
  assert.ok(parts.length > 0 && parts.map((p) => p[0]).join('') === text, `"${text}" is a Prometheus duration`);
  return parts.reduce((sum, [, amount, unit]) => sum + Number(amount) * unitMs[unit!]!, 0);
}

/**
 * How far back an expression reads: each range selector `[5m]`, subquery `[1h:5m]` and `offset 1d`
 * (an offset adds to the range before it; counted on its own here, which only overstates).
 */
function lookbacksMs(expr: string): number[] {
  const ranges = [...expr.matchAll(/\[\s*([0-9a-z]+)\s*(?::\s*[0-9a-z]*\s*)?\]/g)].map((m) => durationMs(m[1]!));
  const offsets = [...expr.matchAll(/\boffset\s+([0-9a-z]+)/g)].map((m) => durationMs(m[1]!));
  return [...ranges, ...offsets];
}

interface Rule {
  record?: string;
  alert?: string;
  expr: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/**
 * amtool and Alertmanager 0.34.2, the pinned image's version, built by `npm run programs` (without the web UI,
 * which nothing here reads). Missing, they fail the test that needs them, naming the command that builds them.
 */
function runAmtool(args: string[]): { status: number | null; output: string } {
  const result = spawnSync(programPath('alertmanager', 'amtool'), args, { encoding: 'utf8', timeout: 60_000 });
  if (result.error) throw new Error(`amtool ${realPrograms.alertmanager.version}: ${result.error.message}`);
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

interface QueriedAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  generatorURL: string;
  fingerprint: string;
  status: { inhibitedBy: string[] | null };
}

describe('alerting', () => {
  let views: ContainerView[];
  let outputs: Record<string, unknown>;
  let rules: Rule[];
  let alertmanagerYaml: string;

  before(async () => {
    const run = await runProgram({ stack: 'dev', config: { alertmanagerPort: '19093' } });
    views = containers(run.resources);
    outputs = run.outputs;
    const prometheus = byPart(views, 'prometheus');
    rules = prometheus.uploads
      .filter((u) => u.file.startsWith('/etc/prometheus/rules/'))
      .flatMap((u) => (u.document as { groups: { rules: Rule[] }[] }).groups.flatMap((g) => g.rules));
    alertmanagerYaml = byPart(views, 'alertmanager').uploads.find((u) => u.file.endsWith('alertmanager.yml'))!.content;
  });

  test('Prometheus keeps samples longer than the longest window any rule reads', () => {
    const config = upload(byPart(views, 'prometheus'), 'prometheus.yml');
    const retention = durationMs(config.storage.tsdb.retention.time);
    const longest = Math.max(...rules.flatMap((rule) => lookbacksMs(rule.expr)));
    // The SLOs' 28-day window is among them: the derivation found the ranges it should.
    assert.ok(longest >= durationMs('28d'), `longest rule window ${longest / 86_400_000}d`);
    assert.ok(retention > longest, `retention ${config.storage.tsdb.retention.time} exceeds ${longest / 86_400_000}d`);
    // Prometheus's own default (15d, cmd/prometheus at v3.14.0) would not.
    assert.ok(durationMs('15d') < longest);
  });

  test('Prometheus sends its alerts to the Alertmanager container, at the port it listens on', () => {
    const config = upload(byPart(views, 'prometheus'), 'prometheus.yml');
    const alertmanager = byPart(views, 'alertmanager');
    assert.equal(config.alerting.alertmanagers.length, 1);
    const [am] = config.alerting.alertmanagers;
    assert.equal(am.api_version, 'v2');
    assert.deepEqual(am.static_configs, [{ targets: [`${alertmanager.name}:${listenPorts(alertmanager)[0]}`] }]);
    assert.ok(config.scrape_configs.some((s: any) => s.static_configs[0].targets[0] === `${alertmanager.name}:${listenPorts(alertmanager)[0]}`));
  });

  test("an alert's link back to its expression opens Prometheus at its published address", () => {
    const prometheus = byPart(views, 'prometheus');
    assert.ok(prometheus.command.includes(`--web.external-url=${outputs.prometheusUrl}`), prometheus.command.join(' '));
  });

  test('amtool and Alertmanager are the version the program pins', () => {
    assert.equal(realPrograms.alertmanager.version, images.alertmanager.slice(images.alertmanager.lastIndexOf(':') + 2));
    assert.match(runAmtool(['--version']).output, /amtool, version 0\.34\.2 /);
    const daemon = spawnSync(programPath('alertmanager'), ['--version'], { encoding: 'utf8' });
    assert.match(`${daemon.stdout}${daemon.stderr}`, /alertmanager, version 0\.34\.2 /);
  });

  test('amtool accepts the generated Alertmanager config', () => {
    const dir = mkdtempSync(join(tmpdir(), 'alertmanager-'));
    const path = join(dir, 'alertmanager.yml');
    writeFileSync(path, alertmanagerYaml);
    const checked = runAmtool(['check-config', path]);
    assert.equal(checked.status, 0, checked.output);
    assert.match(checked.output, /SUCCESS/);
    // The checker is real: a route to a receiver that does not exist fails it.
    writeFileSync(path, alertmanagerYaml.replace(`receiver: ${receiverFor.page}`, 'receiver: nobody'));
    assert.notEqual(runAmtool(['check-config', path]).status, 0);
  });

  test('amtool routes every alert the rules can fire by its severity: page to the pager, the rest to tickets', () => {
    const dir = mkdtempSync(join(tmpdir(), 'alertmanager-'));
    const path = join(dir, 'alertmanager.yml');
    writeFileSync(path, alertmanagerYaml);
    const routeOf = (labels: Record<string, string>) => {
      const result = runAmtool(['config', 'routes', 'test', `--config.file=${path}`, ...Object.entries(labels).map(([k, v]) => `${k}=${v}`)]);
      assert.equal(result.status, 0, result.output);
      return result.output.split('\n')[0]!.trim();
    };
    assert.equal(routeOf({ severity: 'page' }), 'pager');
    assert.equal(routeOf({ severity: 'ticket' }), 'ticket');
    for (const severity of severities) assert.equal(routeOf({ severity }), receiverFor[severity], severity);
    const alerts = rules.filter((rule) => rule.alert);
    assert.ok(alerts.length >= 5, `${alerts.length} alerting rules`);
    for (const alert of alerts) {
      const severity = alert.labels?.severity;
      assert.ok(severity, `${alert.alert} has a severity label`);
      const expected = (severities as readonly string[]).includes(severity) ? receiverFor[severity as keyof typeof receiverFor] : fallbackReceiver;
      assert.equal(routeOf({ alertname: alert.alert!, ...alert.labels }), expected, `${alert.alert} (${severity})`);
    }
  });

  test('Alertmanager is published on its knob, and the stack output points there', () => {
    const alertmanager = byPart(views, 'alertmanager');
    assert.deepEqual(
      alertmanager.ports.map((p) => ({ internal: p.internal, external: p.external, ip: p.ip })),
      [{ internal: listenPorts(alertmanager)[0], external: 19093, ip: '127.0.0.1' }],
    );
    assert.equal(outputs.alertmanagerUrl, 'http://127.0.0.1:19093');
    assert.ok(alertmanager.command.includes('--web.external-url=http://127.0.0.1:19093/'));
    assert.ok(alertmanager.healthcheck?.tests.join(' ').includes('/-/ready'));
  });

  test('Grafana reads that Alertmanager through a datasource with an explicit uid', () => {
    const file = upload(byPart(views, 'grafana'), 'datasources.yaml');
    const datasource = file.datasources.find((d: any) => d.type === 'alertmanager');
    const alertmanager = byPart(views, 'alertmanager');
    assert.equal(datasource.uid, grafanaDatasourceUids.alertmanager);
    assert.equal(datasource.url, `http://${alertmanager.name}:${listenPorts(alertmanager)[0]}`);
    assert.deepEqual(datasource.jsonData, { implementation: 'prometheus', handleGrafanaManagedAlerts: false });
  });

  test("Grafana's Tempo datasource sets only keys the bundled Tempo plugin reads (no lokiSearch)", () => {
    const file = upload(byPart(views, 'grafana'), 'datasources.yaml');
    const tempo = file.datasources.find((d: any) => d.type === 'tempo');
    for (const key of Object.keys(tempo.jsonData)) assert.ok((grafanaTempoJsonData.keys as readonly string[]).includes(key), `Tempo jsonData.${key}`);
    assert.ok(!('lokiSearch' in tempo.jsonData));
    for (const key of Object.keys(tempo.jsonData.streamingEnabled)) assert.ok((grafanaTempoJsonData.streaming as readonly string[]).includes(key), key);
  });

  test('amtool reads one inhibit rule: a page mutes the ticket of the same slo and service', () => {
    const dir = mkdtempSync(join(tmpdir(), 'alertmanager-'));
    const path = join(dir, 'alertmanager.yml');
    writeFileSync(path, alertmanagerYaml);
    const checked = runAmtool(['check-config', path]);
    assert.equal(checked.status, 0, checked.output);
    assert.match(checked.output, / - 1 inhibit rules/);
    assert.deepEqual(sameObjectiveLabels, ['slo', 'service']);
    // Every SLO alert carries both labels, so the rule can tell one objective's alerts from another's.
    const sloAlerts = rules.filter((rule) => rule.alert && rule.labels?.slo);
    assert.ok(sloAlerts.length >= 4, `${sloAlerts.length} SLO alerts`);
    for (const alert of sloAlerts) for (const label of sameObjectiveLabels) assert.ok(alert.labels?.[label], `${alert.alert} has ${label}`);
  });

  test('a running Alertmanager with the generated config sends the page and holds back the ticket of the same SLO only', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'alertmanager-'));
    const path = join(dir, 'alertmanager.yml');
    writeFileSync(path, alertmanagerYaml);
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const daemon = spawn(
      programPath('alertmanager'),
      [`--config.file=${path}`, `--storage.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--cluster.listen-address='],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let daemonLog = '';
    daemon.stderr.on('data', (chunk) => (daemonLog += chunk));
    try {
      const deadline = Date.now() + 20_000;
      while (!(await fetch(`${url}/-/ready`).then((r) => r.ok, () => false))) {
        assert.ok(Date.now() < deadline, `Alertmanager did not get ready:\n${daemonLog}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      // The labels the rules give these alerts: one SLO's page and ticket, another SLO's ticket, a symptom ticket.
      const slo = (name: string) => rules.filter((rule) => rule.alert && rule.labels?.slo === name);
      const sloNames = [...new Set(rules.map((rule) => rule.labels?.slo).filter((name): name is string => Boolean(name)))];
      assert.ok(sloNames.length >= 2, `two SLOs to tell apart: ${sloNames.join(', ')}`);
      const [burning, other] = sloNames as [string, string];
      const alertOf = (name: string, severity: string) => slo(name).find((rule) => rule.labels?.severity === severity)!;
      const symptom = rules.find((rule) => rule.alert && !rule.labels?.slo && rule.labels?.severity === 'ticket' && rule.labels?.service === alertOf(burning, 'ticket').labels!.service);
      assert.ok(symptom, 'a symptom ticket of the same service');
      const fired = [alertOf(burning, 'page'), alertOf(burning, 'ticket'), alertOf(other, 'ticket'), symptom];
      // Shaped as Prometheus sends a firing alert: `sendAlerts` (cmd/prometheus/main.go; read in copies of it,
      // not at v3.14.0 itself) hands its notifier labels = alertname + the rule's labels, the rule's
      // annotations, startsAt, endsAt = the alert's ValidUntil (a few evaluation intervals ahead) and
      // generatorURL = the external URL + the expression's table link; the notifier POSTs them to /api/v2/alerts.
      const startsAt = new Date();
      const postable = fired.map((rule) => ({
        labels: { alertname: rule.alert!, ...rule.labels },
        annotations: rule.annotations ?? {},
        startsAt: startsAt.toISOString(),
        endsAt: new Date(startsAt.getTime() + 4 * 60_000).toISOString(),
        generatorURL: `${outputs.prometheusUrl}/graph?g0.expr=${encodeURIComponent(rule.expr)}&g0.tab=1`,
      }));
      const posted = await fetch(`${url}/api/v2/alerts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(postable) });
      assert.equal(posted.status, 200, await posted.text());
      // Every alert with its status, as Alertmanager's UI reads them (API v2, inhibited ones included).
      const query = async (): Promise<QueriedAlert[]> => (await (await fetch(`${url}/api/v2/alerts`)).json()) as QueriedAlert[];
      const named = (alerts: QueriedAlert[], rule: Rule) => alerts.find((a) => a.labels.alertname === rule.alert)!;
      let alerts = await query();
      while (alerts.length < fired.length || !(named(alerts, fired[1]!).status.inhibitedBy ?? []).length) {
        assert.ok(Date.now() < deadline + 10_000, `the same-SLO ticket was never inhibited: ${JSON.stringify(alerts)}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
        alerts = await query();
      }
      const inhibited = (rule: Rule) => named(alerts, rule).status.inhibitedBy ?? [];
      // Received as sent: the rule's annotations and the link back to its expression.
      for (const rule of fired) {
        assert.deepEqual(named(alerts, rule).annotations, rule.annotations ?? {}, `${rule.alert} annotations`);
        assert.ok(named(alerts, rule).generatorURL.startsWith(`${outputs.prometheusUrl}/graph?g0.expr=`), `${rule.alert} generatorURL`);
      }
      assert.deepEqual(inhibited(fired[1]!), [named(alerts, fired[0]!).fingerprint], 'the same SLO\'s ticket is held back by the page');
      assert.deepEqual(inhibited(fired[0]!), [], 'the page goes out');
      assert.deepEqual(inhibited(fired[2]!), [], `${other}'s ticket goes out`);
      assert.deepEqual(inhibited(fired[3]!), [], `the symptom ticket ${symptom.alert} goes out`);
      // What amtool lists by default (active, not inhibited): everything but the held-back ticket.
      const listed = runAmtool(['alert', 'query', `--alertmanager.url=${url}`, '--output=json']);
      assert.equal(listed.status, 0, listed.output);
      const names = (JSON.parse(listed.output) as QueriedAlert[]).map((a) => a.labels.alertname).sort();
      assert.deepEqual(names, [fired[0]!, fired[2]!, fired[3]!].map((rule) => rule.alert).sort());
    } finally {
      daemon.kill('SIGTERM');
    }
  });
});
