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
import { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { mockSecretPrefix, runProgram } from './harness';
import { byPart, containers, type ContainerView } from './graph';
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
    const [kind, command] = upProbe(port, metric).tests;
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
