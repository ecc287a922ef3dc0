/**
 * `npm run bench:export-cost -w load`: CPU per OTLP/HTTP export request of the service's span exporter
 * (the SDK's export delegate: retries, concurrency bound, self-metrics), to a sink in another process that
 * reads the body and answers 200, for request bodies of 1 kB, 40 kB (about 128 of the cached read's spans)
 * and 160 kB (about 512). What a span costs in export is this divided by the batch size.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import type { SpanBatch } from '@lab/service/span-batch';
import { runMain } from './cli.ts';

const sinkSource = `
const server = require('node:http').createServer((request, response) => {
  request.resume();
  request.on('end', () => response.writeHead(200, { 'content-type': 'application/x-protobuf' }).end());
});
server.listen(0, '127.0.0.1', () => process.stdout.write(server.address().port + '\\n'));
`;

async function main(): Promise<void> {
  const sink = spawn(process.execPath, ['-e', sinkSource], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const [portLine] = (await once(sink.stdout, 'data')) as [Buffer];
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = `http://127.0.0.1:${portLine.toString().trim()}`;
    const { createOtlpHttpSpanBatchExporter } = await import('@lab/service/span-batch');
    const exporter = createOtlpHttpSpanBatchExporter();
    for (const size of [1_000, 40_000, 160_000]) {
      const body = new Uint8Array(size).fill(7);
      const batch = { spanCount: 1, toRequest: () => body } as unknown as SpanBatch;
      const exportOnce = () =>
        new Promise<void>((resolve, reject) => exporter.export(batch, (result) => (result.code === 0 ? resolve() : reject(result.error))));
      for (let i = 0; i < 200; i++) await exportOnce();
      const requests = 2000;
      const before = process.cpuUsage();
      const started = performance.now();
      for (let i = 0; i < requests; i++) await exportOnce();
      const cpu = process.cpuUsage(before);
      const wallMicros = ((performance.now() - started) * 1000) / requests;
      process.stdout.write(
        `${(size / 1000).toFixed(0).padStart(4)} kB: ${((cpu.user + cpu.system) / requests).toFixed(0)} µs CPU per export (user ${(cpu.user / requests).toFixed(0)}, system ${(cpu.system / requests).toFixed(0)}), ${wallMicros.toFixed(0)} µs wall\n`,
      );
    }
    await exporter.shutdown();
  } finally {
    sink.kill();
  }
}

runMain(module, main);
