import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { PinoInstrumentation } from '@opentelemetry/instrumentation-pino';
import { RuntimeNodeInstrumentation } from '@opentelemetry/instrumentation-runtime-node';
import { NodeSDK } from '@opentelemetry/sdk-node';

let sdk: NodeSDK | undefined;

/**
 * Starts the OpenTelemetry SDK. Exporters, protocol (http/protobuf by default, http/json, grpc), endpoint,
 * sampler, resource, intervals and span batching (the SDK's BatchSpanProcessor, `OTEL_BSP_*`) all come from the
 * standard OTEL_* variables, read by the SDK itself, so operators tune it without code and every variable means
 * what the SDK documents; `OTEL_NODE_EXPERIMENTAL_SDK_METRICS=true` adds the SDK's own metrics
 * (`otel.sdk.span.*`, `otel.sdk.processor.span.*`, ...). Batching bounds memory: when the collector is unreachable, spans and logs beyond the queue are
 * dropped, never buffered without limit, and export never sits on a request's path.
 */
export function startTelemetry(): void {
  if (sdk) return;
  sdk = new NodeSDK({
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
