/**
 * `grafanaAdminUser` never names a login Grafana does not have. Grafana creates its admin only on its first
 * start; after a change of the knob the admin check (Grafana's image, after every Grafana (re)start) asks
 * Grafana whether the login signs in, and refuses the deployment with what to do when it does not. The
 * check's script runs here with sh and curl against an HTTP server that answers /api/user as Grafana does.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, test } from 'node:test';
import { grafanaAdminCheckScript, type GrafanaAdminCheckEnv } from '../src/configs/grafana-admin-check';
import { byPart, containers } from './graph';
import { mockSecretPrefix, runProgram } from './harness';

/** Basic auth on /api/user as Grafana answers it: 200 for the one existing login and password, 401 otherwise. */
function fakeGrafana(login: string, password: string): Server {
  return createServer((req, res) => {
    const expected = `Basic ${Buffer.from(`${login}:${password}`).toString('base64')}`;
    if (req.url !== '/api/user') res.writeHead(404).end();
    else if (req.headers.authorization === expected) res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ login, isGrafanaAdmin: true }));
    else res.writeHead(401, { 'content-type': 'application/json' }).end('{"message":"Invalid username or password"}');
  });
}

function listen(server: Server, port = 0): Promise<number> {
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

function runCheck(env: GrafanaAdminCheckEnv): Promise<{ code: number | null; output: string; seconds: number }> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn('/bin/sh', ['-c', grafanaAdminCheckScript], { env: { PATH: process.env.PATH, ...env } });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('close', (code) => resolve({ code, output, seconds: (Date.now() - started) / 1000 }));
  });
}

const key = 'observability-lab:grafanaAdminUser';

describe('the Grafana admin check', () => {
  const servers: Server[] = [];
  after(() => servers.forEach((s) => s.close()));

  test('passes when the configured login signs in with the generated password', async () => {
    const server = fakeGrafana('admin', 'pw123');
    servers.push(server);
    const port = await listen(server);
    const result = await runCheck({ GRAFANA_URL: `http://127.0.0.1:${port}`, ADMIN_USER: 'admin', ADMIN_PASSWORD: 'pw123', ADMIN_USER_KEY: key, CHECK_TIMEOUT: '10' });
    assert.equal(result.code, 0, result.output);
    assert.match(result.output, /admin signs in/);
  });

  test('refuses a login Grafana does not have (a grafanaAdminUser changed after the first run), naming the key and both ways out', async () => {
    const server = fakeGrafana('admin', 'pw123');
    servers.push(server);
    const port = await listen(server);
    const result = await runCheck({ GRAFANA_URL: `http://127.0.0.1:${port}`, ADMIN_USER: 'ops', ADMIN_PASSWORD: 'pw123', ADMIN_USER_KEY: key, CHECK_TIMEOUT: '10' });
    assert.equal(result.code, 1, result.output);
    assert.match(result.output, new RegExp(`${key} is "ops", but Grafana has no login "ops"`));
    assert.match(result.output, /only on its first start/);
    assert.match(result.output, /pulumi config set grafanaAdminUser <that login>/);
    assert.match(result.output, /rename that user to "ops" in Grafana/);
  });

  test('waits for a Grafana that does not answer yet, and gives up with its own exit code', async () => {
    const probe = createServer();
    const port = await listen(probe);
    probe.close();
    const late = fakeGrafana('admin', 'pw123');
    servers.push(late);
    setTimeout(() => void listen(late, port), 2500);
    const waited = await runCheck({ GRAFANA_URL: `http://127.0.0.1:${port}`, ADMIN_USER: 'admin', ADMIN_PASSWORD: 'pw123', ADMIN_USER_KEY: key, CHECK_TIMEOUT: '20' });
    assert.equal(waited.code, 0, waited.output);
    assert.ok(waited.seconds >= 2, `${waited.seconds} s`);
    const never = await runCheck({ GRAFANA_URL: 'http://127.0.0.1:1', ADMIN_USER: 'admin', ADMIN_PASSWORD: 'pw123', ADMIN_USER_KEY: key, CHECK_TIMEOUT: '3' });
    assert.equal(never.code, 2, never.output);
    assert.match(never.output, /did not answer \/api\/user within 3 s \(last status: 000\)/);
  });

  test("runs in Grafana's image against the Grafana container after every Grafana (re)start, and the grafanaAdminUser output resolves through its success", async () => {
    const run = await runProgram({ stack: 'gadmin', config: { grafanaAdminUser: 'ops' } });
    const views = containers(run.resources);
    const grafana = byPart(views, 'grafana');
    const check = byPart(views, 'grafana-admin-check');
    assert.equal(check.imageRef, grafana.imageRef);
    assert.equal(check.oneShot, true, 'a one-shot job whose exit code is read back');
    assert.deepEqual(check.entrypoints, ['/bin/sh', '-c']);
    assert.deepEqual(check.command, [grafanaAdminCheckScript]);
    assert.equal(check.env.GRAFANA_URL, `http://${grafana.name}:3000`);
    assert.equal(check.env.ADMIN_USER, 'ops');
    assert.equal(check.env.ADMIN_USER_KEY, key);
    assert.ok(check.env.ADMIN_PASSWORD?.startsWith(mockSecretPrefix), 'the generated password');
    assert.equal(grafana.env.GF_SECURITY_ADMIN_USER, 'ops');
    assert.equal(grafana.env.GF_SECURITY_ADMIN_PASSWORD, check.env.ADMIN_PASSWORD, 'the password Grafana was given');
    // Replacing Grafana (a changed grafanaAdminUser changes its env) replaces the check: it runs again.
    assert.equal(check.labels['lab.checks'], `${grafana.logicalName}-id`);
    assert.ok(check.raw.registeredAt > grafana.raw.registeredAt, 'created after Grafana (healthy by then)');
    assert.equal(run.outputs.grafanaAdminUser, 'ops');
  });
});
