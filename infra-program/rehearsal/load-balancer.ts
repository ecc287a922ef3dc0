/**
 * The load balancer in front of the rehearsal's replicas: HAProxy from Debian (Traefik cannot be built here),
 * health-checking each replica as the program's Traefik does (configs/traefik.ts `appHealthCheck`: the
 * readiness path every 5 s with a 2 s timeout; one failed check takes a replica out, one passing check puts it
 * back), and answering 503 itself when no replica is in, as Traefik's load balancer does.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { freePort } from '@lab/service/testing';
import { appHealthCheck } from '../src/configs/traefik';
import { serviceReadinessPath } from '../src/components/shop-service';
import { startProgram, waitFor, type StartedProgram } from './process';

export interface Replica {
  readonly name: string;
  readonly port: number;
}

/** The configuration as sections of directives; rendered one directive a line, as HAProxy reads it. */
export interface HaproxyConfig {
  readonly global: readonly string[];
  readonly defaults: readonly string[];
  readonly frontends: Readonly<Record<string, readonly string[]>>;
  readonly backends: Readonly<Record<string, readonly string[]>>;
}

export function haproxyConfig(listenPort: number, replicas: readonly Replica[]): HaproxyConfig {
  const check = `inter ${appHealthCheck.intervalSeconds}s fall 1 rise 1`;
  return {
    global: ['maxconn 2000'],
    defaults: ['mode http', 'timeout connect 2s', 'timeout client 30s', 'timeout server 30s', `timeout check ${appHealthCheck.timeoutSeconds}s`],
    frontends: { web: [`bind 127.0.0.1:${listenPort}`, 'default_backend shop'] },
    backends: {
      shop: [
        'balance roundrobin',
        // HTTP/1.1 with a Host header, as Traefik's check sends it (Node answers HAProxy's default HTTP/1.0 check 400).
        'option httpchk',
        `http-check send meth GET uri ${serviceReadinessPath} ver HTTP/1.1 hdr Host shop-api`,
        'http-check expect status 200',
        ...replicas.map((r) => `server ${r.name} 127.0.0.1:${r.port} check ${check}`),
      ],
    },
  };
}

export function renderHaproxyConfig(config: HaproxyConfig): string {
  const section = (header: string, lines: readonly string[]) => [header, ...lines.map((l) => `    ${l}`)].join('\n');
  return [
    section('global', config.global),
    section('defaults', config.defaults),
    ...Object.entries(config.frontends).map(([name, lines]) => section(`frontend ${name}`, lines)),
    ...Object.entries(config.backends).map(([name, lines]) => section(`backend ${name}`, lines)),
    '',
  ].join('\n\n');
}

export function haproxyPath(): string {
  const found = spawnSync('sh', ['-c', 'command -v haproxy || ls /usr/sbin/haproxy'], { encoding: 'utf8' }).stdout.trim().split('\n')[0];
  if (!found) throw new Error('haproxy not found: install Debian package haproxy (bash .ci/run does)');
  return found;
}

export interface LoadBalancer {
  readonly url: string;
  readonly program: StartedProgram;
  stop(): Promise<void>;
}

export async function startLoadBalancer(dir: string, replicas: readonly Replica[]): Promise<LoadBalancer> {
  const port = await freePort();
  const file = path.join(dir, 'haproxy.cfg');
  writeFileSync(file, renderHaproxyConfig(haproxyConfig(port, replicas)));
  const binary = haproxyPath();
  const checked = spawnSync(binary, ['-c', '-f', file], { encoding: 'utf8' });
  if (checked.status !== 0) throw new Error(`haproxy -c refused ${file}: ${checked.stdout}${checked.stderr}`);
  const program = startProgram('haproxy', binary, ['-db', '-f', file]);
  const url = `http://127.0.0.1:${port}`;
  await waitFor('haproxy to route to a ready replica', () => fetch(`${url}/health/live`).then((r) => r.ok, () => false), program);
  return { url, program, stop: () => program.stop() };
}
