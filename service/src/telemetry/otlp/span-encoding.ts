/**
 * OTLP protobuf encoding of finished spans (opentelemetry-proto `trace/v1/trace.proto`,
 * `common/v1/common.proto`, `resource/v1/resource.proto`), written field for field in the order and with the
 * presence rules of the SDK's own serialiser (@opentelemetry/otlp-transformer 0.301): the bytes are the same,
 * which service/test/span-encoding.test.ts checks against it.
 */
import type { AttributeValue, Attributes, HrTime, Link, SpanContext } from '@opentelemetry/api';
import type { ReadableSpan, TimedEvent } from '@opentelemetry/sdk-trace';
import { ProtoWriter, WireType } from './proto-writer';

/** What the encoder reads of an instrumentation scope (the SDK's InstrumentationScope, plus 3.x attributes). */
export interface EncodableScope {
  readonly name: string;
  readonly version?: string;
  readonly schemaUrl?: string;
  readonly attributes?: Attributes;
  readonly droppedAttributesCount?: number;
}

/** What the encoder reads of a resource. */
export interface EncodableResource {
  readonly attributes: Attributes;
  readonly schemaUrl?: string;
}

const { Varint, Fixed64, LengthDelimited, Fixed32 } = WireType;

/** W3C trace flags plus the OTLP bits that say whether the parent is known to be remote. */
const contextHasIsRemote = 0x100;
const contextIsRemote = 0x200;

function spanFlags(traceFlags: number, parentIsRemote: boolean | undefined): number {
  return (traceFlags & 0xff) | contextHasIsRemote | (parentIsRemote ? contextIsRemote : 0);
}

const minInt64 = -(2 ** 63);
const maxInt64 = 2 ** 63;

function encodeArrayValues(writer: ProtoWriter, values: readonly unknown[]): void {
  for (const item of values) writer.message(1, encodeAnyValue, item);
}

function encodeAnyValue(writer: ProtoWriter, value: unknown): void {
  switch (typeof value) {
    case 'string':
      writer.key(1, LengthDelimited);
      writer.string(value);
      return;
    case 'boolean':
      writer.key(2, Varint);
      writer.varint(value ? 1 : 0);
      return;
    case 'number':
      if (Number.isInteger(value) && value >= minInt64 && value < maxInt64) {
        writer.key(3, Varint);
        writer.varint(value);
      } else {
        writer.key(4, Fixed64);
        writer.double(value);
      }
      return;
    case 'object':
      if (value === null) return;
      if (value instanceof Uint8Array) {
        writer.key(7, LengthDelimited);
        writer.bytesField(value);
      } else if (Array.isArray(value)) {
        writer.message(5, encodeArrayValues, value);
      } else {
        writer.message(6, encodeKeyValueList, value as Record<string, unknown>);
      }
      return;
    default:
      return;
  }
}

/** Each own property as a `KeyValue` in the repeated field `field`. */
function encodeKeyValues(writer: ProtoWriter, attributes: Readonly<Record<string, AttributeValue | unknown>>, field: number): void {
  for (const name in attributes) {
    if (!Object.hasOwn(attributes, name)) continue;
    writer.key(field, LengthDelimited);
    const pair = writer.begin();
    writer.key(1, LengthDelimited);
    writer.string(name);
    writer.message(2, encodeAnyValue, attributes[name]);
    writer.end(pair);
  }
}

function encodeKeyValueList(writer: ProtoWriter, values: Readonly<Record<string, unknown>>): void {
  encodeKeyValues(writer, values, 1);
}

function encodeEvent(writer: ProtoWriter, event: TimedEvent): void {
  writer.key(1, Fixed64);
  writer.hrTime(event.time as HrTime);
  writer.key(2, LengthDelimited);
  writer.string(event.name);
  if (event.attributes) encodeKeyValues(writer, event.attributes, 3);
  writer.key(4, Varint);
  writer.varint(event.droppedAttributesCount ?? 0);
}

function encodeLink(writer: ProtoWriter, link: Link): void {
  const linked = link.context;
  writer.key(1, LengthDelimited);
  writer.hexBytes(linked.traceId);
  writer.key(2, LengthDelimited);
  writer.hexBytes(linked.spanId);
  const traceState = linked.traceState?.serialize();
  if (traceState) {
    writer.key(3, LengthDelimited);
    writer.string(traceState);
  }
  if (link.attributes) encodeKeyValues(writer, link.attributes, 4);
  writer.key(5, Varint);
  writer.varint(link.droppedAttributesCount ?? 0);
  writer.key(6, Fixed32);
  writer.fixed32(spanFlags(linked.traceFlags, linked.isRemote));
}

function encodeStatus(writer: ProtoWriter, status: ReadableSpan['status']): void {
  if (status.message) {
    writer.key(2, LengthDelimited);
    writer.string(status.message);
  }
  writer.key(3, Varint);
  writer.varint(status.code);
}

/** One `Span` message, its key and length included, as field `field` of the enclosing message. */
export function encodeSpan(writer: ProtoWriter, span: ReadableSpan, field = 2): void {
  writer.message(field, encodeSpanFields, span);
}

function encodeSpanFields(writer: ProtoWriter, span: ReadableSpan): void {
  const spanContext: SpanContext = span.spanContext();
  writer.key(1, LengthDelimited);
  writer.hexBytes(spanContext.traceId);
  writer.key(2, LengthDelimited);
  writer.hexBytes(spanContext.spanId);
  const traceState = spanContext.traceState?.serialize();
  if (traceState) {
    writer.key(3, LengthDelimited);
    writer.string(traceState);
  }
  const parent = span.parentSpanContext;
  if (parent?.spanId) {
    writer.key(4, LengthDelimited);
    writer.hexBytes(parent.spanId);
  }
  writer.key(5, LengthDelimited);
  writer.string(span.name);
  // The API's SpanKind starts at INTERNAL = 0; OTLP's at SPAN_KIND_UNSPECIFIED = 0, INTERNAL = 1.
  const kind = span.kind == null ? 0 : span.kind + 1;
  if (kind !== 0) {
    writer.key(6, Varint);
    writer.varint(kind);
  }
  writer.key(7, Fixed64);
  writer.hrTime(span.startTime);
  writer.key(8, Fixed64);
  writer.hrTime(span.endTime);
  encodeKeyValues(writer, span.attributes, 9);
  writer.key(10, Varint);
  writer.varint(span.droppedAttributesCount);
  for (const event of span.events) writer.message(11, encodeEvent, event);
  writer.key(12, Varint);
  writer.varint(span.droppedEventsCount);
  for (const link of span.links) writer.message(13, encodeLink, link);
  writer.key(14, Varint);
  writer.varint(span.droppedLinksCount);
  writer.message(15, encodeStatus, span.status);
  writer.key(16, Fixed32);
  writer.fixed32(spanFlags(spanContext.traceFlags, parent?.isRemote));
}

/** An `InstrumentationScope` message as field `field`. */
export function encodeScope(writer: ProtoWriter, scope: EncodableScope, field: number): void {
  writer.message(field, encodeScopeFields, scope);
}

function encodeScopeFields(writer: ProtoWriter, scope: EncodableScope): void {
  writer.key(1, LengthDelimited);
  writer.string(scope.name);
  if (scope.version) {
    writer.key(2, LengthDelimited);
    writer.string(scope.version);
  }
  if (scope.attributes) encodeKeyValues(writer, scope.attributes, 3);
  if (scope.droppedAttributesCount) {
    writer.key(4, Varint);
    writer.varint(scope.droppedAttributesCount);
  }
}

/** A `Resource` message as field `field`. */
export function encodeResource(writer: ProtoWriter, resource: EncodableResource, field: number): void {
  writer.message(field, encodeResourceFields, resource);
}

function encodeResourceFields(writer: ProtoWriter, resource: EncodableResource): void {
  encodeKeyValues(writer, resource.attributes, 1);
  writer.key(2, Varint);
  writer.varint(0);
}
