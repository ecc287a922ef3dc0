import { test } from 'node:test';
import assert from 'node:assert/strict';
import { median, onOffRatio, pairedRatios, sdkReportedSpanDrops, spanAccount } from '../bench/stats.ts';
import { benchRoutes, edgeTraceparent, mixRequest, routeSpecs } from '../bench/routes.ts';
import { trafficMix } from '@lab/load';
import { configFromArgs } from '../bench/main.ts';
import { attribute, frameOwner } from '../bench/profile.ts';
import { renderReport, renderSamplingTable } from '../bench/report.ts';
import { chartBars, renderChart } from '../bench/chart.ts';
import { runBenchmark, modes } from '../bench/run.ts';
import { startBareServer } from '../bench/processes.ts';
import { targetChecks } from '../bench/targets.ts';
import type { BenchReport, RouteSummary } from '../bench/run.ts';
import { startRedis } from '@lab/service/testing';
import Redis from 'ioredis';
import { ensureServiceBuilt } from './support/service-build.ts';

test('stats: median, ratio and span accounting', () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.ok(Number.isNaN(median([])));
  assert.equal(onOffRatio(900, 1000), 0.9);
  assert.ok(Number.isNaN(onOffRatio(1, 0)));
  assert.deepEqual(spanAccount({ a: 10, b: 5 }, { a: 2, b: 5 }, 40, 3), { expected: 45, received: 40, dropped: 5, droppedReportedBySdk: 3 });
  assert.equal(spanAccount({ a: 10 }, { a: 2 }, 25, 0).dropped, 0, 'background spans never make drops negative');
  assert.throws(() => spanAccount({ a: 1 }, {}, 0, 0), /no span calibration for a/);
  const rps = (pairs: [number, number][]) => pairs.map(([round, requestsPerSecond]) => ({ round, requestsPerSecond }));
  // Round 2 ran on a slow moment for both modes: paired, it is as good as the others.
  assert.deepEqual(pairedRatios(rps([[1, 900], [2, 450], [3, 800]]), rps([[1, 1000], [2, 500], [3, 1000], [4, 1]])), { median: 0.9, min: 0.8, max: 0.9, rounds: 3 });
  assert.equal(sdkReportedSpanDrops('x Dropped 12 spans because maxQueueSize reached\nDropped 3 spans because maxQueueSize reached'), 15);
});

test('bench requests: fresh idempotency keys and bodies each time, the right method per route', () => {
  const order = [routeSpecs.order.request([1, 2]), routeSpecs.order.request([1, 2])];
  assert.notEqual(order[0]!.headers['idempotency-key'], order[1]!.headers['idempotency-key']);
  assert.deepEqual(Object.keys(JSON.parse(order[0]!.body!)).sort(), ['itemId', 'quantity']);
  assert.match(routeSpecs['cached-read'].request([7]).path, /^\/api\/items\/7$/);
  assert.equal(routeSpecs['item-write'].request([1]).method, 'POST');
});

test('the mix route sends the k6 load-test mix with its own weights', () => {
  const draws = 20_000;
  const counts = new Map<string, number>();
  const kinds = new Set<string>();
  for (let i = 0; i < draws; i++) {
    const request = mixRequest([1, 2, 3]);
    counts.set(request.action, (counts.get(request.action) ?? 0) + 1);
    kinds.add(`${request.method} ${request.path.replace(/\d+$/, ':id').replace(/\?.*/, '')}`);
    const expected = { cachedRead: /^GET \/api\/items\/\d+$/, listPage: /^GET \/api\/items\?limit=20$/, itemWrite: /^(POST \/api\/items|PATCH \/api\/items\/\d+)$/, order: /^POST \/api\/orders$/, simulate: /^GET \/simulate\/(latency|error)\?/ }[request.action];
    assert.match(`${request.method} ${request.path}`, expected);
  }
  const total = Object.values(trafficMix).reduce((sum, w) => sum + w, 0);
  for (const [action, weight] of Object.entries(trafficMix)) {
    const share = (counts.get(action) ?? 0) / draws;
    assert.ok(Math.abs(share - weight / total) < 0.015, `${action}: ${share} of draws, weight ${weight / total}`);
  }
  assert.deepEqual([...kinds].sort(), ['GET /api/items', 'GET /api/items/:id', 'GET /simulate/error', 'GET /simulate/latency', 'PATCH /api/items/:id', 'POST /api/items', 'POST /api/orders']);
  // Some orders replay a recent key, as the k6 mix's do.
  const keys = Array.from({ length: 2_000 }, () => mixRequest([1], 0.9)).map((r) => r.headers['idempotency-key']);
  assert.ok(new Set(keys).size < keys.length, 'no order replayed a key');
});

test('bench CLI arguments are validated', () => {
  const { config } = configFromArgs(['--duration', '2', '--routes', 'order,cached-read', '--warmup', '0']);
  assert.equal(config.durationSeconds, 2);
  assert.equal(config.warmupSeconds, 0);
  assert.deepEqual(config.routes, ['order', 'cached-read']);
  assert.throws(() => configFromArgs(['--routes', 'nope']), /unknown route nope/);
  assert.throws(() => configFromArgs(['--duration', '0']), /--duration/);
  assert.equal(config.traceSamplePercent, 100);
  assert.equal(configFromArgs(['--sample-percent', '10']).config.traceSamplePercent, 10);
  assert.throws(() => configFromArgs(['--sample-percent', '150']), /--sample-percent/);
  const several = configFromArgs(['--sample-percent', '100,10,1', '--chart', 'x.svg']);
  assert.deepEqual(several.samplePercents, [100, 10, 1]);
  assert.match(several.chart ?? '', /\/x\.svg$/);
  assert.throws(() => configFromArgs(['--sample-percent', '100,']), /--sample-percent/);
});

test('the chart draws one bar per route and sampling from the reports, whiskers at the rounds\' range', () => {
  const report = (traceSamplePercent: number, ratios: Record<string, [number, number, number]>) =>
    ({
      config: { traceSamplePercent },
      summary: Object.entries(ratios).map(([route, [median, min, max]]) => ({ route, pairedOnOff: { median, min, max, rounds: 3 } })),
    }) as unknown as BenchReport;
  const reports = [report(100, { 'cached-read': [0.5, 0.4, 0.6], mix: [0.8, 0.7, 0.9] }), report(1, { 'cached-read': [0.97, 0.9, 1.3], mix: [1, 0.95, 1.05] })];
  assert.deepEqual(
    chartBars(reports).map((b) => [b.route, b.samplePercent, b.median]),
    [['cached-read', 100, 0.5], ['cached-read', 1, 0.97], ['mix', 100, 0.8], ['mix', 1, 1]],
  );
  const svg = renderChart(reports, 'a <title> & more');
  assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  assert.ok(svg.includes('a &lt;title&gt; &amp; more'));
  // Four bars (the background and legend swatches are the other rects), labelled with their medians.
  assert.equal((svg.match(/<rect [^>]*fill-opacity="0.8"/g) ?? []).length, 4 + 2);
  for (const label of ['0.50', '0.97', '0.80', '1.00', 'cached-read', 'mix', '100% of traces recorded', '1% of traces recorded']) assert.ok(svg.includes(`>${label}<`), label);
  // The 1.30 whisker is above the 1.0 line: the scale grows to hold it.
  assert.ok(!svg.includes('NaN'));
});

test('the sampling table puts each route\'s shares recorded side by side', () => {
  const mode = (rps: number, cpu: number) => ({ requestsPerSecond: rps, latencyP50Ms: 1, latencyP99Ms: 4, serverCpuMicrosPerRequest: cpu });
  const report = (traceSamplePercent: number, ratio: number) =>
    ({
      config: { traceSamplePercent },
      summary: [{ route: 'cached-read', byMode: { 'telemetry-on': mode(500, 120), 'telemetry-off': mode(1000, 60), 'bare-node-http': mode(2000, 30) }, pairedOnOff: { median: ratio, min: ratio, max: ratio, rounds: 3 }, cpuPerRequestOnOff: 2 }],
    }) as unknown as BenchReport;
  const text = renderSamplingTable([report(100, 0.5), report(1, 0.95)]);
  assert.match(text, /\| cached-read \| 100% +\| 50\.0% \(50\.0% to 50\.0%\)/);
  assert.match(text, /\| cached-read \| 1% +\| 95\.0% /);
  assert.match(text, /120 \/ 60 \(×2\.00\)/);
});

test('profile attribution groups self time by package', () => {
  assert.equal(frameOwner('file:///x/node_modules/@opentelemetry/sdk-trace/dist/a.cjs'), '@opentelemetry/sdk-trace');
  assert.equal(frameOwner('node:net'), 'node internals');
  const { byOwner, totalMs } = attribute({
    nodes: [
      { id: 1, callFrame: { functionName: 'a', url: 'file:///n/node_modules/hono/x.js', lineNumber: 0 } },
      { id: 2, callFrame: { functionName: '(idle)', url: '', lineNumber: 0 } },
    ],
    samples: [1, 1, 2],
    timeDeltas: [1000, 2000, 5000],
  });
  assert.equal(totalMs, 3);
  assert.equal(byOwner.get('hono'), 3);
});

test('the edge traceparent is well formed, fresh per request, and sampled for the given share', () => {
  const parents = Array.from({ length: 4000 }, () => edgeTraceparent(0.25));
  for (const parent of parents) assert.match(parent, /^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/);
  assert.equal(new Set(parents.map((p) => p.slice(3, 35))).size, parents.length);
  const sampledShare = parents.filter((p) => p.endsWith('-01')).length / parents.length;
  assert.ok(sampledShare > 0.2 && sampledShare < 0.3, `sampled share ${sampledShare}`);
  assert.ok(Array.from({ length: 200 }, () => edgeTraceparent(0)).every((p) => p.endsWith('-00')));
  assert.ok(Array.from({ length: 200 }, () => edgeTraceparent(1)).every((p) => p.endsWith('-01')));
});

test('issue 13 targets are read off the report: throughput floor by share recorded, CPU, drops, p99, RSS', () => {
  const byMode = (onCpu: number, p99: number) => ({
    'telemetry-on': { requestsPerSecond: 4000, latencyP50Ms: 4, latencyP99Ms: p99, serverCpuMicrosPerRequest: onCpu },
    'telemetry-off': { requestsPerSecond: 5000, latencyP50Ms: 3, latencyP99Ms: 9, serverCpuMicrosPerRequest: 100 },
    'bare-node-http': { requestsPerSecond: 9000, latencyP50Ms: 1, latencyP99Ms: 4, serverCpuMicrosPerRequest: 60 },
  });
  const report = (share: number, paired: number, onCpu: number, p99: number, dropped: number, rssOn: number) =>
    ({
      config: { traceSamplePercent: share, routes: ['cached-read'] },
      summary: [
        { route: 'cached-read', byMode: byMode(onCpu, p99), pairedOnOff: { median: paired, min: paired, max: paired, rounds: 3 }, cpuPerRequestOnOff: onCpu / 100 } as unknown as RouteSummary,
      ],
      spans: { expected: 100, received: 100 - dropped, dropped, droppedReportedBySdk: 0 },
      peakRssMiB: { 'telemetry-on': rssOn, 'telemetry-off': 200, 'bare-node-http': 90 },
    }) as unknown as BenchReport;
  const met = (r: BenchReport) => Object.fromEntries(targetChecks(r).map((c) => [c.target.split(':')[0], c.met]));
  assert.deepEqual(Object.values(met(report(100, 0.8, 130, 19, 0, 230))), [true, true, true, true, true]);
  assert.deepEqual(Object.values(met(report(100, 0.74, 136, 20, 1, 241))), [false, false, false, false, false]);
  // At 1% the floor is 0.95 and there is no CPU target.
  const sampled = targetChecks(report(1, 0.9, 200, 10, 3, 200));
  assert.equal(sampled[0]!.target, 'cached read, 1% recorded: throughput on/off paired by round ≥ 0.95');
  assert.equal(sampled[0]!.met, false);
  assert.ok(!sampled.some((c) => c.target.includes('CPU')));
  assert.equal(sampled.find((c) => c.target === 'no span dropped')!.met, true, 'below 100% a shortfall of the expectation is chance');
});

test('the bare ceiling reads the cached item from Redis, as the service does, instead of a canned body', { timeout: 60_000 }, async () => {
  const redisServer = await startRedis();
  const client = new Redis(redisServer.url);
  const bare = await startBareServer(redisServer.url);
  try {
    const entry = { id: 7, name: 'from redis', priceCents: 321, stock: 4, createdAt: '2026-11-27T00:00:00.000Z', updatedAt: '2026-11-27T00:00:00.000Z' };
    await client.set('item:7', JSON.stringify(entry));
    const hit = await fetch(`${bare.baseUrl}/api/items/7`);
    assert.equal(hit.status, 200);
    assert.deepEqual(await hit.json(), entry);
    // A miss is a failure the benchmark reports (non-2xx), not a fast canned answer.
    assert.equal((await fetch(`${bare.baseUrl}/api/items/8`)).status, 404);
  } finally {
    await bare.stop();
    client.disconnect();
    await redisServer.dispose();
  }
});

test('a short benchmark run measures every route in every mode and accounts for every span', { timeout: 240_000 }, async () => {
  ensureServiceBuilt();
  const report = await runBenchmark({
    durationSeconds: 1,
    warmupSeconds: 0,
    connections: 5,
    rounds: 1,
    routes: benchRoutes,
    poolSize: 10,
    calibrationRequests: 20, // 80 traced requests: more spans than one export batch (128) while calibrating
    logLevel: 'warn',
    traceSamplePercent: 100,
  });
  // Every route in every mode, but the mix against the bare ceiling (it cannot serve the mix's writes).
  assert.equal(report.measurements.length, benchRoutes.length * modes.length - 1);
  for (const m of report.measurements) {
    const where = `${m.route} ${m.mode}`;
    assert.ok(m.completed > 0, `${where}: no request completed`);
    // The mix's /simulate/error?rate=0.05 answers 500 on purpose (5% of 2.5% of its requests).
    if (m.route === 'mix') assert.ok(m.non2xx <= m.completed * 0.02, `${where}: ${m.non2xx} non-2xx answers`);
    else assert.equal(m.non2xx, 0, `${where}: non-2xx answers`);
    assert.equal(m.errors, 0, `${where}: connection errors`);
    assert.ok(m.requestsPerSecond > 0 && m.latencyP99Ms >= m.latencyP50Ms, where);
    assert.ok(m.serverCpuMicrosPerRequest > 0, `${where}: server CPU not measured`);
  }
  for (const summary of report.summary) {
    assert.ok(Number.isFinite(summary.onOffRatio) && summary.onOffRatio > 0, summary.route);
    assert.equal(summary.pairedOnOff.rounds, 1, summary.route);
    if (summary.route === 'mix') continue;
    assert.ok(summary.byMode['bare-node-http'].requestsPerSecond > summary.byMode['telemetry-off'].requestsPerSecond, `${summary.route}: the bare handler is the ceiling`);
    assert.ok(summary.serverSpans && summary.serverSpans.received >= summary.serverSpans.requests, `${summary.route}: SERVER spans missing`);
  }
  // A request makes its SERVER span and at least one CLIENT span (Redis or SQL).
  for (const route of benchRoutes) assert.ok((report.spansPerRequest[route] ?? 0) >= 2, `${route}: ${report.spansPerRequest[route]} spans per request`);
  assert.ok(report.spans.received > 0);
  assert.equal(report.spans.droppedReportedBySdk, 0, `the SDK dropped spans at low load: ${JSON.stringify(report.spans)}`);
  // The mix's spans per request are a mean over its calibration draws: the expected count is an estimate.
  assert.ok(report.spans.dropped <= report.spans.expected * 0.05, `spans missing at low load: ${JSON.stringify(report.spans)}`);
  for (const m of modes) assert.ok(report.peakRssMiB[m] > 10, `${m}: peak RSS not read`);
  const text = renderReport(report);
  for (const route of benchRoutes) assert.ok(text.includes(route));
  const svg = renderChart([report], 'short run');
  for (const route of benchRoutes) assert.ok(svg.includes(`>${route}<`), `${route} missing from the chart`);
  assert.doesNotThrow(() => JSON.parse(JSON.stringify(report)));
});
