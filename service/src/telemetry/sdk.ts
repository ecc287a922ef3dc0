import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { PinoInstrumentation } from '@opentelemetry/instrumentation-pino';
import { RuntimeNodeInstrumentation } from '@opentelemetry/instrumentation-runtime-node';
import { NodeSDK } from '@opentelemetry/sdk-node';
import type { Config } from '../config';
import { sdkSpanBatchSize, spanProcessorsFor } from './span-pipeline';

let sdk: NodeSDK | undefined;

/**
 * Starts the OpenTelemetry SDK. Exporters, protocol (http/protobuf by default, http/json, grpc), endpoint,
 * sampler, resource and intervals all come from the standard OTEL_* variables, so operators tune it without
 * code. Batching bounds memory: when the collector is unreachable, spans and logs beyond the queue are
 * dropped, never buffered without limit, and export never sits on a request's path.
 */
export function startTelemetry(config: Config): void {
  if (sdk) return;
  const spanProcessors = spanProcessorsFor(config);
  // The SDK's own BatchSpanProcessor, when it builds one, reads its batch size from the environment.
  if (!spanProcessors) process.env.OTEL_BSP_MAX_EXPORT_BATCH_SIZE ??= String(sdkSpanBatchSize);
  sdk = new NodeSDK({
    ...(spanProcessors ? { spanProcessors } : {}),
    instrumentations: [
      new IORedisInstrumentation({
        // Keep the full command out of the span: values may be whole cached documents.
        dbStatementSerializer: (command, args) => `${command} ${typeof args[0] === 'string' ? args[0] : ''}`.trim(),
      }),
      new PinoInstrumentation(),
      new RuntimeNodeInstrumentation(),
    ],
  });
  sdk.start();
}

/** Flushes what is buffered and stops exporting; bounded so a dead collector cannot hold up shutdown. */
export async function shutdownTelemetry(timeoutMs = 5_000): Promise<void> {
  if (!sdk) return;
  // A collector that refuses the last batch (4xx) rejects the shutdown: that must not stop the exit.
  const stopping = sdk.shutdown().catch(() => undefined);
  sdk = undefined;
  // A referenced timer: while the exporters give up, it is what keeps the process alive to reach its exit.
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([stopping, new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs)))]).finally(() => clearTimeout(timer));
}
