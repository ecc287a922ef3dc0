import { readFileSync, watch, type FSWatcher } from 'node:fs';
import { Server, ServerCredentials, type ServerWritableStream, type ServiceDefinition } from '@grpc/grpc-js';

/**
 * A double of flagd's sync port: the `flagd.sync.v1.FlagSyncService/SyncFlags` server stream the flagd
 * provider's in-process resolver reads (@openfeature/flagd-provider 0.16.1's generated client:
 * SyncFlagsResponse field 1 is `flag_configuration`, the flag set as a JSON string).
 *
 * Why a double: the real flagd cannot be built here. The Go module proxy this machine reaches refuses
 * github.com/open-feature/flagd/flagd v0.16.x and the flagd/core modules it needs (403; see programs.ts).
 *
 * What it does as flagd v0.16.1 does (flagd/pkg/service/flag-sync/handler.go, core v0.15.6
 * pkg/sync/file/filepath_sync.go), because the tests rely on it:
 * - a new stream gets the whole flag set at once, and every stream gets it again on each change;
 * - the payload is `{"flags": {...}}` (generateResponse marshals only the flags);
 * - a stream ends with DEADLINE_EXCEEDED at the deadline its client asked for: flagd's handler selects on
 *   the stream's context, which carries the client's `grpc-timeout`, and returns that status when it
 *   expires (grpc-js's server enforces the same deadline here). flagd adds no deadline of its own unless
 *   started with `--stream-deadline` (default 0), which the lab does not set;
 * - with `watchFile`, it serves a flag file and pushes it again when the file changes, as flagd's file sync
 *   does (fsnotify: a write, or a rename over the file as a Kubernetes ConfigMap update makes).
 */
export class FlagSyncServer {
  private server: Server | undefined;
  private readonly streams = new Set<ServerWritableStream<Buffer, string>>();
  private configuration: string;
  private watcher: FSWatcher | undefined;
  /** The deadline each stream's client asked for, in order (Infinity: none), as flagd's handler sees it. */
  readonly streamDeadlines: number[] = [];

  constructor(flagSet: object) {
    this.configuration = syncPayload(flagSet);
  }

  /** Listens on 127.0.0.1 (a free port by default, or the one given to come back where it was). */
  async start(port = 0): Promise<number> {
    const server = new Server();
    server.addService(syncService, {
      SyncFlags: (call: ServerWritableStream<Buffer, string>) => {
        const deadline = call.getDeadline();
        this.streamDeadlines.push(deadline instanceof Date ? deadline.getTime() : deadline);
        this.streams.add(call);
        const forget = () => this.streams.delete(call);
        call.on('cancelled', forget);
        call.on('close', forget);
        call.on('error', forget);
        call.write(this.configuration);
      },
    });
    const bound = await new Promise<number>((resolve, reject) =>
      server.bindAsync(`127.0.0.1:${port}`, ServerCredentials.createInsecure(), (error, actual) => (error ? reject(error) : resolve(actual))),
    );
    this.server = server;
    return bound;
  }

  /** Open streams right now. */
  get openStreams(): number {
    return this.streams.size;
  }

  publish(flagSet: object): void {
    this.configuration = syncPayload(flagSet);
    for (const stream of this.streams) stream.write(this.configuration);
  }

  /**
   * Serves the flag file at `file` and publishes it again whenever it changes. The directory is watched, not
   * the file, so a rename over it is seen as flagd's re-added watch sees it.
   */
  watchFile(file: string, directory: string, onPublished?: () => void): void {
    const publishFile = () => {
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch {
        return; // between the unlink and the rename: the next event brings the file
      }
      const payload = syncPayload(JSON.parse(text) as object);
      if (payload === this.configuration) return;
      this.configuration = payload;
      for (const stream of this.streams) stream.write(this.configuration);
      onPublished?.();
    };
    publishFile();
    this.watcher = watch(directory, publishFile);
  }

  /** Drops every connection at once, as a killed flagd would. */
  stop(): void {
    this.watcher?.close();
    this.watcher = undefined;
    this.streams.clear();
    this.server?.forceShutdown();
    this.server = undefined;
  }
}

/** What flagd sends for a flag set: only its flags (handler.go generateResponse). */
function syncPayload(flagSet: object): string {
  const flags = (flagSet as { flags?: unknown }).flags ?? {};
  return JSON.stringify({ flags });
}

function varint(value: number): number[] {
  const bytes: number[] = [];
  while (value > 0x7f) {
    bytes.push((value & 0x7f) | 0x80);
    value >>>= 7;
  }
  bytes.push(value);
  return bytes;
}

/** SyncFlagsResponse with only field 1 (string flag_configuration): tag 0x0a, length, UTF-8 bytes. */
function encodeSyncFlagsResponse(configuration: string): Buffer {
  const text = Buffer.from(configuration, 'utf8');
  return Buffer.concat([Buffer.from([0x0a, ...varint(text.length)]), text]);
}

const syncService: ServiceDefinition = {
  SyncFlags: {
    path: '/flagd.sync.v1.FlagSyncService/SyncFlags',
    requestStream: false,
    responseStream: true,
    requestSerialize: (request: Buffer) => request,
    requestDeserialize: (bytes: Buffer) => bytes,
    responseSerialize: encodeSyncFlagsResponse,
    responseDeserialize: (bytes: Buffer) => bytes.toString('utf8'),
  },
};
