import { Server, ServerCredentials, type ServiceDefinition } from '@grpc/grpc-js';
import type { Signal } from './otlp-proto';
import { OtlpReceiver } from './otlp-receiver';

/** The OTLP/gRPC collector services (opentelemetry-proto collector/{trace,metrics,logs}/v1), each with its one unary Export. */
const services: Record<Signal, string> = {
  traces: 'opentelemetry.proto.collector.trace.v1.TraceService',
  metrics: 'opentelemetry.proto.collector.metrics.v1.MetricsService',
  logs: 'opentelemetry.proto.collector.logs.v1.LogsService',
};

const passThrough = (value: Buffer) => value;
const emptyResponse = () => Buffer.alloc(0);

/** An OTLP receiver over gRPC; what arrives is decoded and kept exactly as the HTTP receiver keeps it. */
export class OtlpGrpcReceiver extends OtlpReceiver {
  private grpc?: Server;
  private port = 0;

  override get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  override async start(): Promise<this> {
    const server = new Server();
    for (const [signal, service] of Object.entries(services) as Array<[Signal, string]>) {
      const definition: ServiceDefinition = {
        Export: {
          path: `/${service}/Export`,
          requestStream: false,
          responseStream: false,
          requestSerialize: passThrough,
          requestDeserialize: passThrough,
          responseSerialize: emptyResponse,
          responseDeserialize: passThrough,
        },
      };
      server.addService(definition, {
        Export: (call: { request: Buffer }, callback: (error: Error | null, response: Buffer) => void) => {
          this.ingestProtobuf(signal, call.request, 'grpc');
          callback(null, Buffer.alloc(0));
        },
      });
    }
    this.port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, port) => (error ? reject(error) : resolve(port))),
    );
    this.grpc = server;
    return this;
  }

  override async stop(): Promise<void> {
    this.grpc?.forceShutdown();
  }
}
