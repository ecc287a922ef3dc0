/**
 * Where the replicas' telemetry goes: to the real OpenTelemetry Collector, started from the program's generated
 * config (configs/collector.ts) with its metrics exporter pointed at the rehearsal's OTLP receiver, as it
 * points at Prometheus's OTLP endpoint in the lab; or, while the Collector is not among the programs
 * `npm run programs` builds, straight to the receiver. Either way the replicas reach it through Toxiproxy's
 * collector link, so telemetry-outage breaks the same hop. The recording names which path it used.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { freePort, OtlpReceiver, programPath } from '@lab/service/testing';
import { collectorConfig } from '../src/configs/collector';
import { endpoint } from '../src/endpoint';
import { canConnect, startProgram, waitFor, type StartedProgram } from './process';

export type TelemetryPathKind = 'collector' | 'direct';

export interface TelemetryPath {
  readonly kind: TelemetryPathKind;
  /** What Toxiproxy's collector link dials: the Collector's OTLP/HTTP receiver, or the receiver itself. */
  readonly upstream: { readonly host: string; readonly port: number };
  readonly receiver: OtlpReceiver;
  stop(): Promise<void>;
}

/** Telemetry as the lab carries it: through the real Collector (`npm run programs` builds it) by default. */
export async function startTelemetryPath(dir: string, kind: TelemetryPathKind = 'collector'): Promise<TelemetryPath> {
  const receiver = await new OtlpReceiver().start();
  const receiverPort = Number(new URL(receiver.endpoint).port);
  if (kind === 'direct') {
    return { kind, upstream: { host: '127.0.0.1', port: receiverPort }, receiver, stop: () => receiver.stop() };
  }
  const binary = programPath('collector');
  const [grpc, http, health, selfMetrics, nowhere] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort()]);
  // The generated config, each listener on a free loopback port (one host here); traces and logs go to a port
  // nothing listens on (the rehearsal reads metrics only), metrics to the receiver as to Prometheus.
  const generated = collectorConfig(
    { tempoOtlpGrpc: endpoint('127.0.0.1', nowhere), lokiHttp: endpoint('127.0.0.1', nowhere), prometheusOtlpBaseUrl: receiver.endpoint },
    1,
    512,
  );
  const config = {
    ...generated,
    receivers: { otlp: { protocols: { grpc: { endpoint: `127.0.0.1:${grpc}` }, http: { endpoint: `127.0.0.1:${http}` } } } },
    extensions: { health_check: { endpoint: `127.0.0.1:${health}` } },
    service: {
      ...generated.service,
      telemetry: {
        ...generated.service.telemetry,
        metrics: { ...generated.service.telemetry.metrics, readers: [{ pull: { exporter: { prometheus: { ...generated.service.telemetry.metrics.readers[0]!.pull.exporter.prometheus, host: '127.0.0.1', port: selfMetrics } } } }] },
      },
    },
  };
  const file = path.join(dir, 'collector.yaml');
  writeFileSync(file, stringify(config, { lineWidth: 0 }));
  const collector: StartedProgram = startProgram('otelcol', binary, ['--config', file]);
  await waitFor('the Collector to accept OTLP/HTTP', () => canConnect(http), collector, 30_000);
  return {
    kind,
    upstream: { host: '127.0.0.1', port: http },
    receiver,
    async stop() {
      await collector.stop();
      await receiver.stop();
    },
  };
}
