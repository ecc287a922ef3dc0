import { Server, ServerCredentials, type ServerWritableStream, type ServiceDefinition } from '@grpc/grpc-js';

/**
 * A stand-in for flagd's sync port in tests: the `flagd.sync.v1.FlagSyncService/SyncFlags` server stream the
 * flagd provider's in-process resolver reads (@openfeature/flagd-provider 0.16.1's generated client:
 * SyncFlagsResponse field 1 is `flag_configuration`, the flag set as a JSON string). Each publish goes to
 * every open stream, as flagd pushes a changed flag file.
 */
export class FlagSyncServer {
  private server: Server | undefined;
  private readonly streams = new Set<ServerWritableStream<Buffer, string>>();
  private configuration: string;

  constructor(flagSet: object) {
    this.configuration = JSON.stringify(flagSet);
  }

  /** Listens on 127.0.0.1 (a free port by default, or the one given to come back where it was). */
  async start(port = 0): Promise<number> {
    const server = new Server();
    server.addService(syncService, {
      SyncFlags: (call: ServerWritableStream<Buffer, string>) => {
        this.streams.add(call);
        call.on('cancelled', () => this.streams.delete(call));
        call.write(this.configuration);
      },
    });
    const bound = await new Promise<number>((resolve, reject) =>
      server.bindAsync(`127.0.0.1:${port}`, ServerCredentials.createInsecure(), (error, actual) => (error ? reject(error) : resolve(actual))),
    );
    this.server = server;
    return bound;
  }

  publish(flagSet: object): void {
    this.configuration = JSON.stringify(flagSet);
    for (const stream of this.streams) stream.write(this.configuration);
  }

  /** Drops every connection at once, as a killed flagd would. */
  stop(): void {
    this.streams.clear();
    this.server?.forceShutdown();
    this.server = undefined;
  }
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
