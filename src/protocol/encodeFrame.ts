import { encodeError } from "./errors.js";
import { FRAME_HEADER_SIZE, FrameOpcode, MAX_FRAME_PAYLOAD } from "./Frame.js";
import { encodeUtf8 } from "./utf8.js";

/** Writes a frame header (opcode, u32 LE length) into `target` at `offset`. */
export function writeFrameHeader(
  target: Uint8Array,
  offset: number,
  opcode: FrameOpcode,
  length: number,
): void {
  if (length === 0) {
    throw encodeError("Frame payload must not be empty");
  }
  if (length > MAX_FRAME_PAYLOAD) {
    throw encodeError(`Frame payload of ${length} bytes exceeds the 16 MiB limit`);
  }
  target[offset] = opcode;
  target[offset + 1] = length & 0xff;
  target[offset + 2] = (length >>> 8) & 0xff;
  target[offset + 3] = (length >>> 16) & 0xff;
  target[offset + 4] = (length >>> 24) & 0xff;
}

/**
 * One control-stream frame (spec 1.4): `opcode`, u32 LE length, payload (copied). Throws
 * `ERR_ENCODE` for an unknown opcode, an empty payload or a payload over 16 MiB (receivers reject
 * those).
 */
export function encodeFrame(opcode: FrameOpcode, payload: Uint8Array): Uint8Array {
  if (opcode !== FrameOpcode.Json && opcode !== FrameOpcode.Binary) {
    throw encodeError("Frame opcode must be 1 (JSON) or 2 (binary)");
  }
  if (!(payload instanceof Uint8Array)) {
    throw encodeError("Frame payload must be a Uint8Array");
  }
  const out = new Uint8Array(FRAME_HEADER_SIZE + payload.length);
  writeFrameHeader(out, 0, opcode, payload.length);
  out.set(payload, FRAME_HEADER_SIZE);
  return out;
}

/** A JSON frame (opcode 1) carrying `json` as UTF-8. */
export function encodeJsonFrame(json: string): Uint8Array {
  return encodeFrame(FrameOpcode.Json, encodeUtf8(json));
}

/** A binary frame (opcode 2) carrying the binary message `message`. */
export function encodeBinaryFrame(message: Uint8Array): Uint8Array {
  return encodeFrame(FrameOpcode.Binary, message);
}
