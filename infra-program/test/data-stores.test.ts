/**
 * Redis runs through its image's entrypoint with its password in a rendered config file, and the
 * exporters are healthy only while they reach their databases. The config and the health commands are
 * run for real here: Debian's redis-server reads the rendered file, and the exporters' probe command runs
 * in sh against a stand-in /metrics.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Server as NetServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { mockSecretPrefix, runProgram } from './harness';
import { byPart, containers, type ContainerView } from './graph';
import { kubeParts } from './k8s-graph';
import { upProbe } from '../src/components/exporters';
import { redisConfigPath, redisServerConfig, renderRedisConfig } from '../src/configs/redis';
import { images } from '../src/images';

const have = (tool: string) => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;

describe('Redis', () => {
  let redis: ContainerView;
  before(async () => {
    redis = byPart(containers((await runProgram({ stack: 'dev' })).resources), 'redis');
  });

  test('is the security release after 8.10.1', () => {
    assert.equal(images.redis, 'redis:8.10.2-alpine');
  });

  test("keeps the image's entrypoint (which drops to the redis user) and passes no password on its command line", () => {
    assert.deepEqual(redis.entrypoints, [], 'no entrypoint override: docker-entrypoint.sh runs');
    assert.deepEqual(redis.command, ['redis-server', redisConfigPath]);
    assert.equal(redis.raw.inputs.user, undefined, 'the entrypoint, not a user override, drops privileges');
    assert.ok(!JSON.stringify(redis.command).includes(mockSecretPrefix));
    const config = redis.uploads.find((u) => u.file === redisConfigPath)!.content;
    assert.match(config, new RegExp(`^requirepass "${mockSecretPrefix}redis-password"$`, 'm'));
    assert.match(config, /^appendonly "yes"$/m);
    assert.match(config, /^dir "\/data"$/m);
    assert.ok(redis.volumes.some((v) => v.containerPath === '/data'));
    // The health check authenticates through redis-cli's own variable, not an argument.
    assert.ok(redis.env.REDISCLI_AUTH!.startsWith(mockSecretPrefix));
    assert.ok(!redis.healthcheck!.tests.join(' ').includes('-a '));
  });

  test('the rendered config is read by a real redis-server, a password with spaces and quotes intact', { skip: !have('redis-server') && 'no redis-server' }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'redis-conf-'));
    const port = 20000 + Math.floor(Math.random() * 20000);
    const password = 'p a"s\\s w\'rd';
    const file = join(dir, 'redis.conf');
    writeFileSync(file, renderRedisConfig(redisServerConfig({ port, password, dataDir: dir })));
    const server = spawn('redis-server', [file], { stdio: 'ignore' });
    try {
      const ping = (auth: string | undefined) =>
        spawnSync('redis-cli', ['-p', String(port), 'ping'], { env: { ...process.env, ...(auth ? { REDISCLI_AUTH: auth } : {}) }, encoding: 'utf8' }).stdout.trim();
      let answer = '';
      for (let attempt = 0; attempt < 50 && !answer.includes('PONG'); attempt++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        answer = ping(password);
      }
      assert.equal(answer, 'PONG', 'the exact password authenticates');
      assert.match(ping(undefined), /NOAUTH/, 'and is required');
      assert.equal(spawnSync('redis-cli', ['-p', String(port), 'config', 'get', 'appendonly'], { env: { ...process.env, REDISCLI_AUTH: password }, encoding: 'utf8' }).stdout.split('\n')[1], 'yes');
    } finally {
      server.kill();
    }
  });
});

describe('exporter health checks', () => {
  let metrics = 'pg_up 1\n';
  let server: Server;
  let port = 0;
  before(async () => {
    server = createServer((_req, res) => res.end(`# HELP x\n${metrics}`));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(() => server.close());

  // Asynchronous: the stand-in /metrics is served by this process.
  const healthy = (metric: 'pg_up' | 'redis_up') => {
    const [kind, command] = upProbe(port, metric, '/').tests;
    assert.equal(kind, 'CMD-SHELL');
    return new Promise<boolean>((resolve) => spawn('sh', ['-c', command!], { stdio: 'ignore' }).on('exit', (code) => resolve(code === 0)));
  };

  test('healthy only while the exporter reaches its database: /metrics answering 200 is not enough', { skip: !have('wget') && 'no wget' }, async () => {
    metrics = 'pg_up 1\n';
    assert.equal(await healthy('pg_up'), true);
    metrics = 'pg_up 0\n';
    assert.equal(await healthy('pg_up'), false, 'pg_up 0 (bad credential, database down) is unhealthy');
    metrics = 'redis_up 1\n';
    assert.equal(await healthy('redis_up'), true);
    metrics = 'redis_up 0\nredis_exporter_last_scrape_error{err="WRONGPASS"} 1\n';
    assert.equal(await healthy('redis_up'), false);
    metrics = 'pg_up 10\n';
    assert.equal(await healthy('pg_up'), false, 'the whole value is matched');
  });

  test('each exporter probes its own gauge on its own port', async () => {
    const views = containers((await runProgram({ stack: 'exp' })).resources);
    assert.match(byPart(views, 'postgres-exporter').healthcheck!.tests[1]!, /127\.0\.0\.1:9187\/metrics \| grep -q '\^pg_up 1\$'/);
    assert.match(byPart(views, 'redis-exporter').healthcheck!.tests[1]!, /127\.0\.0\.1:9121\/metrics \| grep -q '\^redis_up 1\$'/);
  });
});

/**
 * The life checks Kubernetes restarts Postgres and Redis by (their `alive`, the startup and liveness
 * probes), run for real under sh against stand-ins that answer as the servers do while they start: a
 * starting Postgres rejects with SQLSTATE 57P03, a Redis replaying its append-only file answers LOADING.
 * Each is alive then (a restart would only start the replay over) while its readiness check fails.
 */
describe('life checks of the data stores', () => {
  const sh = (command: string) => new Promise<number>((resolve) => spawn('sh', ['-c', command], { stdio: 'ignore' }).on('exit', (code) => resolve(code ?? -1)));
  const withPort = (command: string, from: number, to: number) => command.replaceAll(String(from), String(to));
  const listen = (onData: (socket: Socket, data: Buffer) => void) =>
    new Promise<NetServer>((resolve) => {
      const server = createNetServer((socket) => socket.on('data', (data) => onData(socket, data)));
      server.listen(0, '127.0.0.1', () => resolve(server));
    });
  const portOf = (server: NetServer) => (server.address() as AddressInfo).port;
  const closedPort = async () => {
    const server = await listen(() => {});
    const port = portOf(server);
    await new Promise((resolve) => server.close(resolve));
    return port;
  };
  // The probes as the kubelet runs them: the Kubernetes target's pod specs.
  let parts: ReturnType<typeof kubeParts>;
  before(async () => {
    parts = kubeParts((await runProgram({ stack: 'alive', config: { target: 'kubernetes' } })).resources);
  });
  const checks = (part: string) => {
    const container = parts.find((p) => p.part === part)!.container;
    assert.deepEqual(container.startupProbe.exec, container.livenessProbe.exec, `${part}: startup and liveness ask the same`);
    const shell = (probe: any): string[] => probe.exec.command;
    return { ready: shell(container.readinessProbe), alive: shell(container.livenessProbe) };
  };

  test('Postgres: alive while it rejects connections as it starts up, not ready; dead when nothing answers', { skip: !have('pg_isready') && 'no pg_isready' }, async () => {
    const { ready, alive } = checks('postgres');
    assert.deepEqual(alive.slice(0, 2), ['/bin/sh', '-c']);
    // The startup packet gets an ErrorResponse "the database system is starting up" (SQLSTATE 57P03); an SSL
    // request first gets 'N' (no SSL), as a server without SSL answers it.
    const field = (code: string, value: string) => Buffer.concat([Buffer.from(code), Buffer.from(value), Buffer.from([0])]);
    const fields = Buffer.concat([field('S', 'FATAL'), field('V', 'FATAL'), field('C', '57P03'), field('M', 'the database system is starting up'), Buffer.from([0])]);
    const length = Buffer.alloc(4);
    length.writeInt32BE(fields.length + 4);
    const starting = await listen((socket, data) => {
      if (data.length === 8 && data.readInt32BE(4) === 80877103) socket.write('N');
      else socket.end(Buffer.concat([Buffer.from('E'), length, fields]));
    });
    try {
      const port = portOf(starting);
      assert.equal(await sh(withPort(alive[2]!, 5432, port)), 0, 'rejecting (starting up) is alive');
      // The readiness check (Docker's health check: pg_isready's own exit code) fails meanwhile.
      const readyCommand = ready.map((word) => (word === '5432' ? String(port) : word));
      const readyCode = await new Promise<number>((resolve) => spawn(readyCommand[0]!, readyCommand.slice(1), { stdio: 'ignore' }).on('exit', (code) => resolve(code ?? -1)));
      assert.equal(readyCode, 1, 'and not ready (pg_isready: rejecting)');
    } finally {
      starting.close();
    }
    assert.notEqual(await sh(withPort(alive[2]!, 5432, await closedPort())), 0, 'no answer is dead');
  });

  test('Redis: alive while it answers LOADING, not ready; dead when nothing answers', { skip: !have('redis-cli') && 'no redis-cli' }, async () => {
    const { ready, alive } = checks('redis');
    const loading = await listen((socket) => socket.write('-LOADING Redis is loading the dataset in memory\r\n'));
    try {
      const port = portOf(loading);
      assert.equal(await sh(withPort(alive[2]!, 6379, port)), 0, 'LOADING is alive');
      assert.notEqual(await sh(withPort(ready[2]!, 6379, port)), 0, 'and not ready');
    } finally {
      loading.close();
    }
    assert.notEqual(await sh(withPort(alive[2]!, 6379, await closedPort())), 0, 'no answer is dead');
  });
});
