/**
 * Every container has a memory limit, together they fit a 16 GiB laptop, and the Collector's memory_limiter
 * refuses data before its container's limit is reached. Also the Collector's other self-describing
 * setting: the naming options of the reader its own metrics are scraped through.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { collectorPrometheusReaderOptions } from '@lab/dashboards';
import { byPart, containers, unwrap, upload, type ContainerView } from './graph';
import { runProgram } from './harness';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { kubeParts, type KubePart } from './k8s-graph';
import { unwrap as unwrapInputs } from './graph';

const laptopMib = 16 * 1024;
/** What the lab may take at most: the rest is the OS, a browser, an editor and Docker's own VM. */
const labBudgetMib = 10 * 1024;
/** With the default two replicas, half the laptop. */
const defaultBudgetMib = laptopMib / 2;

const memoryOf = (view: ContainerView): number | undefined => unwrap(view.raw.inputs).memory;
const total = (views: ContainerView[]) => views.reduce((sum, view) => sum + (memoryOf(view) ?? 0), 0);

describe('memory limits', () => {
  let defaults: ContainerView[];
  let largest: ContainerView[];
  before(async () => {
    defaults = containers((await runProgram({ stack: 'dev' })).resources);
    largest = containers((await runProgram({ stack: 'big', config: { replicas: '10' } })).resources);
  });

  test('every container, one-shot jobs included, has a memory limit in whole MiB', () => {
    assert.ok(defaults.length >= 15, `${defaults.length} containers`);
    for (const view of defaults) {
      const memory = memoryOf(view);
      assert.ok(Number.isInteger(memory) && memory! >= 32, `${view.labels['lab.part']} has memory ${memory}`);
    }
  });

  test('the limits together fit a 16 GiB laptop, at the default and at the largest replica count', () => {
    assert.ok(total(defaults) <= defaultBudgetMib, `default stack: ${total(defaults)} MiB of ${defaultBudgetMib}`);
    assert.ok(total(largest) <= labBudgetMib, `10 replicas: ${total(largest)} MiB of ${labBudgetMib}`);
    assert.equal(largest.filter((v) => /^shop-api-\d+$/.test(v.labels['lab.part']!)).length, 10);
  });

  test("the Collector's memory_limiter limits are below its container's and derived from it", () => {
    const collector = byPart(defaults, 'otel-collector');
    const container = memoryOf(collector)!;
    const limiter = upload(collector, 'config.yaml').processors.memory_limiter;
    // Absolute limits: percentages would read the host's memory if the container limit ever went missing.
    assert.equal(limiter.limit_percentage, undefined);
    assert.ok(limiter.limit_mib < container, `limit_mib ${limiter.limit_mib} < container ${container}`);
    assert.ok(limiter.spike_limit_mib > 0 && limiter.spike_limit_mib < limiter.limit_mib);
    // The soft limit (where it starts forcing GC) leaves the Go runtime room above the heap it measures.
    assert.ok(limiter.limit_mib - limiter.spike_limit_mib <= container * 0.7);
    assert.equal(limiter.limit_mib, Math.floor(container * 0.8));
  });

  test("the Collector's Prometheus reader has exactly the naming options the dashboards query by", () => {
    const config = upload(byPart(defaults, 'otel-collector'), 'config.yaml');
    const [reader] = config.service.telemetry.metrics.readers;
    const { host, port, ...options } = reader.pull.exporter.prometheus;
    assert.equal(host, '0.0.0.0');
    assert.equal(typeof port, 'number');
    assert.deepEqual(options, collectorPrometheusReaderOptions);
  });
});

/** MiB of a Kubernetes memory quantity as the target writes it (`<n>Mi`). */
const mib = (quantity: string | undefined): number => {
  const match = /^(\d+)Mi$/.exec(quantity ?? '');
  assert.ok(match, `quantity ${quantity} in Mi`);
  return Number(match[1]);
};
/** Pods a workload runs at once: its replicas (a Deployment), else one. */
const podsOf = (part: KubePart): number => (part.kind === 'Deployment' || part.kind === 'StatefulSet' ? (unwrapInputs(part.raw.inputs).spec.replicas ?? 1) : 1);

describe('memory requests and limits on Kubernetes', () => {
  let parts: KubePart[];
  before(async () => {
    parts = kubeParts((await runProgram({ stack: 'kmem', config: { target: 'kubernetes' } })).resources);
  });
  const totals = () => {
    let requested = 0;
    let limited = 0;
    for (const part of parts) {
      requested += podsOf(part) * mib(part.container.resources.requests.memory);
      limited += podsOf(part) * mib(part.container.resources.limits.memory);
    }
    return { requested, limited };
  };

  test('every pod requests what its part needs at rest, below its limit; the limits stay as on Docker', () => {
    assert.ok(parts.length >= 16);
    for (const part of parts) {
      const request = mib(part.container.resources.requests.memory);
      const limit = mib(part.container.resources.limits.memory);
      assert.ok(request < limit, `${part.part}: request ${request} < limit ${limit}`);
    }
    // The scheduler places by requests: with k6 scheduled last, the whole lab fits a single kind node on an
    // 8 GB Docker Desktop VM with room for the node's own components.
    assert.ok(totals().requested <= 3 * 1024, `${totals().requested} MiB requested`);
  });

  test("README states the default stack's total request and total limit, as the graph has them", () => {
    const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
    const { requested, limited } = totals();
    const stated = /requests (\d[\d,]*) MiB of memory in all and is limited to (\d[\d,]*) MiB/.exec(readme);
    assert.ok(stated, 'README states the totals');
    assert.deepEqual([Number(stated[1]!.replace(',', '')), Number(stated[2]!.replace(',', ''))], [requested, limited]);
  });
});
