/** Protobuf wire types used by OTLP. */
export const WireType = { Varint: 0, Fixed64: 1, LengthDelimited: 2, Fixed32: 5 } as const;
export type WireType = (typeof WireType)[keyof typeof WireType];

/** The key of a field: its number and wire type, as one varint. */
export function fieldKey(field: number, wire: WireType): number {
  return (field << 3) | wire;
}

const nibbleOfCharCode = (() => {
  const table = new Uint8Array(128);
  for (let digit = 0; digit < 10; digit++) table[48 + digit] = digit;
  for (let letter = 0; letter < 6; letter++) {
    table[97 + letter] = 10 + letter;
    table[65 + letter] = 10 + letter;
  }
  return table;
})();

const utf8 = new TextEncoder();

/**
 * An append-only protobuf writer over one growing byte array, written for the span hot path: every method
 * works on locals and writes bytes in place (no per-field allocation), and a nested message reserves one
 * byte for its length, shifting its body only in the rare case the length needs more.
 */
export class ProtoWriter {
  bytes: Uint8Array;
  pos = 0;
  /** A view for doubles over the current array, made again only when the array grows. */
  private floats: DataView | undefined;

  constructor(initialCapacity = 4096) {
    this.bytes = new Uint8Array(initialCapacity);
  }

  /** The bytes written so far (a view, valid until the next write). */
  view(): Uint8Array {
    return this.bytes.subarray(0, this.pos);
  }

  reset(): void {
    this.pos = 0;
  }

  reserve(size: number): void {
    if (this.pos + size > this.bytes.length) this.grow(size);
  }

  private grow(size: number): void {
    let capacity = this.bytes.length * 2;
    while (capacity < this.pos + size) capacity *= 2;
    const next = new Uint8Array(capacity);
    next.set(this.bytes.subarray(0, this.pos));
    this.bytes = next;
  }

  /** A varint of a non-negative integer below 2^53, or of a negative one as its 64-bit two's complement. */
  varint(value: number): void {
    this.reserve(10);
    const bytes = this.bytes;
    let pos = this.pos;
    if (value >= 0 && value <= 0xffffffff) {
      let v = value >>> 0;
      while (v > 127) {
        bytes[pos++] = (v & 127) | 128;
        v >>>= 7;
      }
      bytes[pos++] = v;
    } else {
      let low: number;
      let high: number;
      if (value >= 0) {
        low = value >>> 0;
        high = Math.floor(value / 0x100000000) >>> 0;
      } else {
        const magnitude = -value;
        low = ~(magnitude >>> 0) >>> 0;
        high = ~(Math.floor(magnitude / 0x100000000) >>> 0) >>> 0;
        low = (low + 1) >>> 0;
        if (low === 0) high = (high + 1) >>> 0;
      }
      while (high > 0 || low > 127) {
        bytes[pos++] = (low & 127) | 128;
        low = ((low >>> 7) | (high << 25)) >>> 0;
        high >>>= 7;
      }
      bytes[pos++] = low;
    }
    this.pos = pos;
  }

  key(field: number, wire: WireType): void {
    this.varint(fieldKey(field, wire));
  }

  fixed32(value: number): void {
    this.reserve(4);
    const bytes = this.bytes;
    const pos = this.pos;
    bytes[pos] = value;
    bytes[pos + 1] = value >>> 8;
    bytes[pos + 2] = value >>> 16;
    bytes[pos + 3] = value >>> 24;
    this.pos = pos + 4;
  }

  fixed64(low: number, high: number): void {
    this.fixed32(low);
    this.fixed32(high);
  }

  /** An OpenTelemetry HrTime ([seconds, nanoseconds]) as fixed64 nanoseconds since the epoch, exactly. */
  hrTime(time: readonly [number, number]): void {
    // seconds * 1e9 overflows 2^53 after 104 days of seconds: split seconds so each product stays exact.
    // Whole seconds only, as the SDK's serialiser reads them (a fractional second is dropped, not converted).
    const [seconds, nanos] = time;
    const lowSeconds = seconds & 0xffff;
    const highSeconds = (seconds / 0x10000) >>> 0;
    const lowPart = lowSeconds * 1e9 + nanos; // < 2^47
    const highPart = highSeconds * 1e9; // times 2^16
    const highPartLow16 = highPart % 0x10000;
    const highPartUpper = Math.floor(highPart / 0x10000);
    const low = lowPart + highPartLow16 * 0x10000;
    const low32 = low % 0x100000000;
    const carry = Math.floor(low / 0x100000000);
    this.fixed64(low32 >>> 0, (highPartUpper + carry) >>> 0);
  }

  double(value: number): void {
    this.reserve(8);
    if (this.floats?.buffer !== this.bytes.buffer) this.floats = new DataView(this.bytes.buffer, this.bytes.byteOffset);
    this.floats.setFloat64(this.pos, value, true);
    this.pos += 8;
  }

  /** A string as length-delimited UTF-8 (ASCII written in one pass; anything else through TextEncoder). */
  string(text: string): void {
    const length = text.length;
    this.reserve(length + 5);
    const start = this.pos;
    this.varint(length);
    const bytes = this.bytes;
    let pos = this.pos;
    for (let i = 0; i < length; i++) {
      const code = text.charCodeAt(i);
      if (code > 127) {
        this.pos = start;
        this.bytesField(utf8.encode(text));
        return;
      }
      bytes[pos++] = code;
    }
    this.pos = pos;
  }

  /** Length-delimited raw bytes. */
  bytesField(value: Uint8Array): void {
    this.varint(value.length);
    this.reserve(value.length);
    this.bytes.set(value, this.pos);
    this.pos += value.length;
  }

  /** A trace or span id given in hex, as length-delimited bytes. */
  hexBytes(hex: string): void {
    if (hex.length % 2 !== 0) throw new RangeError(`Invalid hex id length: ${hex.length}`);
    const length = hex.length >>> 1;
    this.varint(length);
    this.reserve(length);
    const bytes = this.bytes;
    let pos = this.pos;
    for (let i = 0; i < hex.length; i += 2) {
      bytes[pos++] = (nibbleOfCharCode[hex.charCodeAt(i) & 127]! << 4) | nibbleOfCharCode[hex.charCodeAt(i + 1) & 127]!;
    }
    this.pos = pos;
  }

  /** Bytes already encoded elsewhere, copied as they are. */
  raw(value: Uint8Array): void {
    this.reserve(value.length);
    this.bytes.set(value, this.pos);
    this.pos += value.length;
  }

  /** `value` as a nested message in field `field`: its key, its length, and what `encode` writes of it. */
  message<T>(field: number, encode: (writer: ProtoWriter, value: T) => void, value: T): void {
    this.key(field, WireType.LengthDelimited);
    const at = this.begin();
    encode(this, value);
    this.end(at);
  }

  /** Starts a nested message: returns where its length goes. */
  begin(): number {
    this.reserve(1);
    return this.pos++;
  }

  /** Ends the nested message begun at `at`, writing its length there. */
  end(at: number): void {
    const length = this.pos - at - 1;
    if (length < 128) {
      this.bytes[at] = length;
      return;
    }
    let size = 1;
    for (let v = length >>> 7; v > 0; v >>>= 7) size++;
    this.reserve(size - 1);
    this.bytes.copyWithin(at + size, at + 1, this.pos);
    this.pos += size - 1;
    let v = length;
    let pos = at;
    while (v > 127) {
      this.bytes[pos++] = (v & 127) | 128;
      v >>>= 7;
    }
    this.bytes[pos] = v;
  }
}
