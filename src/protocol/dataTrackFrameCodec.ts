import { byteView } from "./byteView.js";
import { DATA_TRACK_HEADER_SIZE, type DataTrackFrame } from "./DataTrackFrame.js";
import { decodeError, encodeError, guardDecode } from "./errors.js";

/**
 * A data-track frame payload (spec 1.5): flags 0, data offset 8, `sequence` (u32), then `data`
 * (copied). Throws `ERR_ENCODE` when `sequence` is not a u32.
 */
export function encodeDataTrackFrame(sequence: number, data: Uint8Array): Uint8Array {
  if (!(data instanceof Uint8Array)) {
    throw encodeError("Data-track frame data must be a Uint8Array");
  }
  const out = new Uint8Array(DATA_TRACK_HEADER_SIZE + data.length);
  writeDataTrackFrameHeader(sequence, out);
  out.set(data, DATA_TRACK_HEADER_SIZE);
  return out;
}

/**
 * Writes the 8-byte header of a data-track frame (spec 1.5: flags 0, data offset 8, `sequence`)
 * into `out[0..8)`, for senders that pass header and message separately without concatenating
 * them. Throws `ERR_ENCODE` when `sequence` is not a u32 or `out` is shorter than 8 bytes.
 */
export function writeDataTrackFrameHeader(sequence: number, out: Uint8Array): void {
  if (!Number.isInteger(sequence) || sequence < 0 || sequence > 0xffff_ffff) {
    throw encodeError("Data-track sequence must be an unsigned 32-bit integer");
  }
  if (out.length < DATA_TRACK_HEADER_SIZE) {
    throw encodeError("Data-track frame header needs 8 bytes");
  }
  out[0] = 0;
  out[1] = 0;
  out[2] = DATA_TRACK_HEADER_SIZE & 0xff;
  out[3] = DATA_TRACK_HEADER_SIZE >>> 8;
  out[4] = sequence & 0xff;
  out[5] = (sequence >>> 8) & 0xff;
  out[6] = (sequence >>> 16) & 0xff;
  out[7] = sequence >>> 24;
}

/**
 * Decodes a data-track frame payload: reads the message from `data_offset` (not a hard-coded 8),
 * keeps unknown flag bits. `data` is a view into `payload`. Throws `ERR_DECODE` when the payload
 * is shorter than 8 bytes or `data_offset` is below 8 or beyond the payload.
 */
export function decodeDataTrackFrame(payload: Uint8Array): DataTrackFrame {
  return guardDecode("data-track frame", () => {
    if (!(payload instanceof Uint8Array) || payload.length < DATA_TRACK_HEADER_SIZE) {
      throw decodeError("Data-track frame shorter than its 8-byte header");
    }
    const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
    const flags = view.getUint16(0, true);
    const dataOffset = view.getUint16(2, true);
    const sequence = view.getUint32(4, true);
    if (dataOffset < DATA_TRACK_HEADER_SIZE || dataOffset > payload.length) {
      throw decodeError(`Data-track frame has an invalid data offset ${dataOffset}`);
    }
    return { flags, dataOffset, sequence, data: byteView(payload, dataOffset) };
  });
}

/** The sequence number after `sequence` (wraps at 2^32). */
export function nextDataTrackSequence(sequence: number): number {
  return (sequence + 1) >>> 0;
}

/**
 * Frames missing between two received sequence numbers, modulo 2^32: 0 when `current` directly
 * follows `previous`. A reordered or repeated frame shows up as a huge gap; callers that reorder
 * should compare first.
 */
export function dataTrackSequenceGap(previous: number, current: number): number {
  return (current - previous - 1) >>> 0;
}
