/**
 * The OTLP receiver and its span tally on a worker thread (receiver-thread.ts): decoding a batch of spans takes
 * milliseconds, which on the benchmark's main thread stalled autocannon, whose event loop times every request.
 */
import { parentPort } from 'node:worker_threads';
import { OtlpReceiver } from '@lab/service/testing';
import { SpanTally, type TallySnapshot } from './span-tally.ts';

export type ToReceiverWorker = { readonly type: 'watch'; readonly traceIds: readonly string[] } | { readonly type: 'snapshot'; readonly id: number } | { readonly type: 'stop' };
export type FromReceiverWorker =
  | { readonly type: 'started'; readonly endpoint: string }
  | { readonly type: 'snapshot'; readonly snapshot: TallySnapshot; readonly id?: number }
  | { readonly type: 'stopped'; readonly snapshot: TallySnapshot };

/** How often the worker reports its counts unasked. */
const reportIntervalMs = 200;

async function main(port: NonNullable<typeof parentPort>): Promise<void> {
  const receiver = await new OtlpReceiver().start();
  const tally = new SpanTally(receiver);
  const post = (message: FromReceiverWorker) => port.postMessage(message);
  const report = setInterval(() => {
    tally.drain();
    post({ type: 'snapshot', snapshot: tally.snapshot() });
  }, reportIntervalMs);
  port.on('message', (message: ToReceiverWorker) => {
    if (message.type === 'watch') tally.watch(message.traceIds);
    if (message.type === 'snapshot') {
      tally.drain();
      post({ type: 'snapshot', snapshot: tally.snapshot(), id: message.id });
    }
    if (message.type === 'stop') {
      clearInterval(report);
      tally.drain();
      void receiver.stop().then(() => {
        post({ type: 'stopped', snapshot: tally.snapshot() });
        port.close();
      });
    }
  });
  post({ type: 'started', endpoint: receiver.endpoint });
}

if (parentPort) void main(parentPort);
