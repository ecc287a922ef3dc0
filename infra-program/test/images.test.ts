/** Constraints on the pinned images that a wrong bump would break at `pulumi up`, not under mocks. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { images } from '../src/images';

function version(image: string): number[] {
  const tag = image.slice(image.lastIndexOf(':') + 1);
  const match = /^v?(\d+)\.(\d+)\.(\d+)/.exec(tag);
  assert.ok(match, `${image} has a semantic version tag`);
  return match.slice(1).map(Number);
}

function atLeast(actual: number[], minimum: number[]): boolean {
  for (let i = 0; i < minimum.length; i += 1) {
    const [have, need] = [actual[i] ?? 0, minimum[i] ?? 0];
    if (have !== need) return have > need;
  }
  return true;
}

test('Traefik is at least v3.6.1 (older v3 fail against Docker Engine 29) and still v3', () => {
  const v = version(images.traefik);
  assert.equal(v[0], 3);
  assert.ok(atLeast(v, [3, 6, 1]), images.traefik);
});

test('Prometheus is v3 (the OTLP receiver flag and the otlp config block) and Grafana 13', () => {
  assert.equal(version(images.prometheus)[0], 3);
  assert.equal(version(images.grafana)[0], 13);
});

test('images probed with a shell + wget health check are variants that ship them', () => {
  // redis_exporter's default image is FROM scratch; only its -alpine variant has /bin/sh and wget.
  assert.match(images.redisExporter, /-alpine$/);
  // postgres-exporter's only image is busybox-based; Prometheus's too.
  assert.match(images.postgresExporter, /^quay\.io\/prometheuscommunity\/postgres-exporter:v/);
  assert.match(images.prometheus, /^prom\/prometheus:v/);
});

/** The registry an image reference pulls from: a first path part with a dot, a colon or `localhost` is a host. */
function registryOf(image: string): string {
  const first = image.split('/')[0]!;
  return image.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost') ? first : 'docker.io';
}

/**
 * What a first run on the Docker target pulls from Docker Hub: every pinned image hosted there, the service
 * build's base image (the Dockerfile's default `NODE_IMAGE`) and the Dockerfile frontend its `# syntax=` line
 * names (BuildKit pulls it before it reads the rest of the file).
 */
function firstRunPulls(): { dockerHub: string[]; others: Record<string, string[]> } {
  const dockerfile = readFileSync(join(__dirname, '..', '..', 'service', 'Dockerfile'), 'utf8');
  const syntax = /^#\s*syntax=(\S+)/.exec(dockerfile)?.[1];
  const froms = [...dockerfile.matchAll(/^FROM\s+(\S+)/gm)].map((m) => m[1]!);
  const args = Object.fromEntries([...dockerfile.matchAll(/^ARG\s+(\w+)=(\S+)/gm)].map((m) => [m[1]!, m[2]!]));
  const stages = new Set([...dockerfile.matchAll(/^FROM\s+\S+\s+AS\s+(\S+)/gim)].map((m) => m[1]!));
  const bases = froms.map((from) => from.replace(/^\$\{?(\w+)\}?$/, (_, name: string) => args[name] ?? from)).filter((from) => !stages.has(from));
  const all = [...Object.values(images), ...new Set(bases), ...(syntax ? [syntax] : [])];
  const byRegistry: Record<string, string[]> = {};
  for (const image of all) (byRegistry[registryOf(image)] ??= []).push(image);
  const { 'docker.io': dockerHub = [], ...others } = byRegistry;
  return { dockerHub, others };
}

test('a first run makes 14 Docker Hub pulls: the pinned images there, the Node base image and the Dockerfile frontend', () => {
  const { dockerHub, others } = firstRunPulls();
  assert.ok(dockerHub.includes('docker/dockerfile:1'), dockerHub.join(', '));
  assert.ok(dockerHub.some((image) => image.startsWith('node:')), dockerHub.join(', '));
  assert.equal(dockerHub.length, 14, dockerHub.join(', '));
  assert.deepEqual(Object.fromEntries(Object.entries(others).map(([registry, list]) => [registry, list.length])), { 'quay.io': 3, 'ghcr.io': 2 });
});

test('both READMEs state that number of Docker Hub pulls, and no other', () => {
  const { dockerHub, others } = firstRunPulls();
  for (const file of ['README.md', 'infra-program/README.md']) {
    const text = readFileSync(join(__dirname, '..', '..', file), 'utf8').replace(/\s+/g, ' ');
    assert.ok(text.includes(`${dockerHub.length} Docker Hub pulls`), `${file} says "${dockerHub.length} Docker Hub pulls"`);
    // Any count next to "Docker Hub" is that one (a year, four digits, is not a count).
    for (const match of text.matchAll(/\b(\d{1,3}) (?:[\w-]+ ){0,3}(?:from |on )?Docker Hub\b/g)) {
      assert.equal(Number(match[1]), dockerHub.length, `${file}: "${match[0]}"`);
    }
    for (const [registry, list] of Object.entries(others)) assert.ok(text.includes(`${list.length} from ${registry}`), `${file}: "${list.length} from ${registry}"`);
  }
});
