import protobuf from 'protobufjs';

/**
 * The parts of the OTLP protobuf schema (opentelemetry-proto v1: common, resource, trace, metrics, logs and
 * the collector export requests) a test receiver needs to decode what an exporter sends, written from the
 * published .proto field numbers. Unknown fields are skipped by the decoder, so omissions are harmless.
 */
const field = (id: number, type: string, rule?: 'repeated') => (rule ? { id, type, rule } : { id, type });

const descriptor = {
  nested: {
    otlp: {
      nested: {
        AnyValue: {
          oneofs: { value: { oneof: ['stringValue', 'boolValue', 'intValue', 'doubleValue', 'arrayValue', 'kvlistValue', 'bytesValue'] } },
          fields: {
            stringValue: field(1, 'string'), boolValue: field(2, 'bool'), intValue: field(3, 'int64'),
            doubleValue: field(4, 'double'), arrayValue: field(5, 'ArrayValue'), kvlistValue: field(6, 'KeyValueList'),
            bytesValue: field(7, 'bytes'),
          },
        },
        ArrayValue: { fields: { values: field(1, 'AnyValue', 'repeated') } },
        KeyValueList: { fields: { values: field(1, 'KeyValue', 'repeated') } },
        KeyValue: { fields: { key: field(1, 'string'), value: field(2, 'AnyValue') } },
        InstrumentationScope: { fields: { name: field(1, 'string'), version: field(2, 'string'), attributes: field(3, 'KeyValue', 'repeated') } },
        Resource: { fields: { attributes: field(1, 'KeyValue', 'repeated') } },

        ExportTraceServiceRequest: { fields: { resourceSpans: field(1, 'ResourceSpans', 'repeated') } },
        ResourceSpans: { fields: { resource: field(1, 'Resource'), scopeSpans: field(2, 'ScopeSpans', 'repeated') } },
        ScopeSpans: { fields: { scope: field(1, 'InstrumentationScope'), spans: field(2, 'Span', 'repeated') } },
        Span: {
          fields: {
            traceId: field(1, 'bytes'), spanId: field(2, 'bytes'), traceState: field(3, 'string'), parentSpanId: field(4, 'bytes'),
            name: field(5, 'string'), kind: field(6, 'int32'), startTimeUnixNano: field(7, 'fixed64'), endTimeUnixNano: field(8, 'fixed64'),
            attributes: field(9, 'KeyValue', 'repeated'), events: field(11, 'SpanEvent', 'repeated'), links: field(13, 'SpanLink', 'repeated'),
            status: field(15, 'Status'),
          },
        },
        SpanEvent: { fields: { timeUnixNano: field(1, 'fixed64'), name: field(2, 'string'), attributes: field(3, 'KeyValue', 'repeated') } },
        SpanLink: { fields: { traceId: field(1, 'bytes'), spanId: field(2, 'bytes'), attributes: field(4, 'KeyValue', 'repeated') } },
        Status: { fields: { message: field(2, 'string'), code: field(3, 'int32') } },

        ExportMetricsServiceRequest: { fields: { resourceMetrics: field(1, 'ResourceMetrics', 'repeated') } },
        ResourceMetrics: { fields: { resource: field(1, 'Resource'), scopeMetrics: field(2, 'ScopeMetrics', 'repeated') } },
        ScopeMetrics: { fields: { scope: field(1, 'InstrumentationScope'), metrics: field(2, 'Metric', 'repeated') } },
        Metric: {
          oneofs: { data: { oneof: ['gauge', 'sum', 'histogram', 'exponentialHistogram', 'summary'] } },
          fields: {
            name: field(1, 'string'), description: field(2, 'string'), unit: field(3, 'string'),
            gauge: field(5, 'Gauge'), sum: field(7, 'Sum'), histogram: field(9, 'Histogram'),
            exponentialHistogram: field(10, 'ExponentialHistogram'), summary: field(11, 'Summary'),
          },
        },
        Gauge: { fields: { dataPoints: field(1, 'NumberDataPoint', 'repeated') } },
        Sum: { fields: { dataPoints: field(1, 'NumberDataPoint', 'repeated'), aggregationTemporality: field(2, 'int32'), isMonotonic: field(3, 'bool') } },
        Histogram: { fields: { dataPoints: field(1, 'HistogramDataPoint', 'repeated'), aggregationTemporality: field(2, 'int32') } },
        ExponentialHistogram: { fields: { dataPoints: field(1, 'PointAttributesOnly', 'repeated') } },
        Summary: { fields: { dataPoints: field(1, 'PointAttributesOnly', 'repeated') } },
        PointAttributesOnly: { fields: { attributes: field(1, 'KeyValue', 'repeated') } },
        NumberDataPoint: { fields: { attributes: field(7, 'KeyValue', 'repeated'), asDouble: field(4, 'double'), asInt: field(6, 'sfixed64') } },
        HistogramDataPoint: {
          fields: {
            attributes: field(9, 'KeyValue', 'repeated'), count: field(4, 'fixed64'), sum: field(5, 'double'),
            bucketCounts: field(6, 'fixed64', 'repeated'), explicitBounds: field(7, 'double', 'repeated'),
          },
        },

        ExportLogsServiceRequest: { fields: { resourceLogs: field(1, 'ResourceLogs', 'repeated') } },
        ResourceLogs: { fields: { resource: field(1, 'Resource'), scopeLogs: field(2, 'ScopeLogs', 'repeated') } },
        ScopeLogs: { fields: { scope: field(1, 'InstrumentationScope'), logRecords: field(2, 'LogRecord', 'repeated') } },
        LogRecord: {
          fields: {
            timeUnixNano: field(1, 'fixed64'), severityNumber: field(2, 'int32'), severityText: field(3, 'string'),
            body: field(5, 'AnyValue'), attributes: field(6, 'KeyValue', 'repeated'), flags: field(8, 'fixed32'),
            traceId: field(9, 'bytes'), spanId: field(10, 'bytes'),
          },
        },
      },
    },
  },
};

const root = protobuf.Root.fromJSON(descriptor);
export const otlpRequestTypes = {
  traces: root.lookupType('otlp.ExportTraceServiceRequest'),
  metrics: root.lookupType('otlp.ExportMetricsServiceRequest'),
  logs: root.lookupType('otlp.ExportLogsServiceRequest'),
} as const;

export type Signal = keyof typeof otlpRequestTypes;
