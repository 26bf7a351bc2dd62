// Protobuf varint writing for the hand-written FFI request codecs (tryPushCodec, byteStreamCodec,
// captureFrameCodec): the one home of these helpers.

const scratch = new DataView(new ArrayBuffer(8));

/** Bytes of the varint encoding of a non-negative number below 2^53. */
export function varintSize(value: number): number {
  let size = 1;
  while (value >= 0x80) {
    value = Math.floor(value / 128);
    size += 1;
  }
  return size;
}

/** Writes the varint encoding of a non-negative number below 2^53 at `pos`; returns the end. */
export function writeVarint(out: Uint8Array, pos: number, value: number): number {
  while (value >= 0x80) {
    out[pos++] = (value & 0x7f) | 0x80;
    value = Math.floor(value / 128);
  }
  out[pos++] = value;
  return pos;
}

/**
 * Writes the varint encoding of a 64-bit value into `out` at `pos` (up to 10 bytes); returns the
 * end. The value is taken modulo 2^64, so a negative int64 gets its two's-complement encoding, as
 * protobuf does; the caller checks the range.
 */
export function writeVarint64(out: Uint8Array, pos: number, value: bigint): number {
  scratch.setBigUint64(0, value, true);
  let lo = scratch.getUint32(0, true);
  let hi = scratch.getUint32(4, true);
  while (hi !== 0 || lo > 0x7f) {
    out[pos++] = (lo & 0x7f) | 0x80;
    lo = ((lo >>> 7) | (hi << 25)) >>> 0;
    hi >>>= 7;
  }
  out[pos++] = lo;
  return pos;
}

/** The varint encoding of a u64 native handle, computed once per handle. */
export function encodeHandle(handle: bigint): Uint8Array {
  const out = new Uint8Array(10);
  return out.slice(0, writeVarint64(out, 0, handle));
}
