import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { TallySnapshot } from './span-tally.ts';
import type { FromReceiverWorker, ToReceiverWorker } from './receiver-worker.ts';

const empty: TallySnapshot = { total: 0, serverSpansByRoute: [], watched: [] };

/**
 * The benchmark's OTLP receiver, run on its own thread (receiver-worker.ts), read through the counts it reports:
 * what SpanTally counts, without its decoding on the thread that drives and times the load.
 */
export class ReceiverThread {
  private latest: TallySnapshot = empty;
  private watched = new Map<string, number>();
  private nextRequest = 0;
  private readonly pending = new Map<number, () => void>();
  private stopped?: Promise<void>;

  private constructor(
    private readonly worker: Worker,
    readonly endpoint: string,
  ) {
    worker.on('message', (message: FromReceiverWorker) => {
      if (message.type === 'started') return;
      this.latest = message.snapshot;
      this.watched = new Map(message.snapshot.watched);
      if (message.type === 'snapshot' && message.id !== undefined) {
        this.pending.get(message.id)?.();
        this.pending.delete(message.id);
      }
    });
  }

  static start(): Promise<ReceiverThread> {
    const worker = new Worker(join(__dirname, 'receiver-worker.ts'));
    return new Promise((resolve, reject) => {
      worker.once('error', reject);
      worker.once('message', (message: FromReceiverWorker) => {
        if (message.type !== 'started') return reject(new Error(`receiver worker: unexpected first message ${message.type}`));
        worker.off('error', reject);
        resolve(new ReceiverThread(worker, message.endpoint));
      });
    });
  }

  get total(): number {
    return this.latest.total;
  }

  /** SERVER spans by http.route. */
  get serverSpansByRoute(): ReadonlyMap<string, number> {
    return new Map(this.latest.serverSpansByRoute);
  }

  watch(traceIds: readonly string[]): void {
    this.send({ type: 'watch', traceIds });
  }

  spansOf(traceId: string): number {
    return this.watched.get(traceId) ?? 0;
  }

  /** Waits for counts that include everything the receiver has taken so far. */
  drain(): Promise<void> {
    const id = this.nextRequest++;
    const answered = new Promise<void>((resolve) => this.pending.set(id, resolve));
    this.send({ type: 'snapshot', id });
    return answered;
  }

  stop(): Promise<void> {
    this.stopped ??= new Promise<void>((resolve) => {
      this.worker.once('exit', () => resolve());
      this.send({ type: 'stop' });
    });
    return this.stopped;
  }

  private send(message: ToReceiverWorker): void {
    this.worker.postMessage(message);
  }
}
