/**
 * Preloaded (NODE_OPTIONS=--require) into a telemetry-on service by the ablation variants `cut-*`
 * (ablation.ts): cuts the service's span pipeline at one stage, so the CPU each stage costs under load is
 * the difference between neighbouring variants. LAB_SPAN_PIPELINE_CUT:
 * - `at-processor`: spans are made and ended, the processor ignores them (no encoding, no export);
 * - `before-request`: each span is encoded when it ends, full batches are dropped without a request built;
 * - `before-send`: the export request is built from each batch, nothing is sent.
 * A benchmark tool only: it replaces functions of the service's built code (service/dist) at load time.
 */
const { join } = require('node:path');
const dist = join(__dirname, '..', '..', '..', 'service', 'dist', 'telemetry', 'otlp');
const cut = process.env.LAB_SPAN_PIPELINE_CUT;
const exporterModule = require(join(dist, 'span-batch-exporter.js'));
const processorModule = require(join(dist, 'encode-on-end-processor.js'));

const discardingExporter = (buildRequest) => () => ({
  export: (batch, done) => {
    if (buildRequest) batch.toRequest();
    done({ code: 0 });
  },
  forceFlush: async () => undefined,
  shutdown: async () => undefined,
});

if (cut === 'at-processor') processorModule.EncodeOnEndSpanProcessor.prototype.onEnd = function onEnd() {};
else if (cut === 'before-request') exporterModule.createOtlpHttpSpanBatchExporter = discardingExporter(false);
else if (cut === 'before-send') exporterModule.createOtlpHttpSpanBatchExporter = discardingExporter(true);
else throw new Error(`LAB_SPAN_PIPELINE_CUT must be at-processor, before-request or before-send, not ${String(cut)}`);
