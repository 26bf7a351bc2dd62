import { VideoBufferType } from "@livekit/rtc-ffi-bindings";
import { FoxgloveError } from "../core/FoxgloveError.js";
import { FfiRequestBuffer } from "./FfiRequestBuffer.js";
import { ProtoReader } from "./ProtoReader.js";
import type { RawVideoFormat } from "./RawVideoFrame.js";
import { varintSize, writeVarint, writeVarint64 } from "./varint.js";

// Hand-written wire codec of the FFI request on the video hot path, CaptureVideoFrame
// (rtc-ffi-bindings 0.12.73, proto2). rtc-node's VideoFrame takes the pixel address of the whole
// ArrayBuffer (ignoring byteOffset) and builds the request reflectively with protobuf-es on every
// frame; this writes the same fields, in the same order, with the address of the view itself, so
// any view (also over a SharedArrayBuffer) is captured without a copy. The fields mirror rtc-node
// 1.1.0's VideoFrame.protoInfo(): packed formats carry their stride and no components; I420
// carries stride 0 and one component per plane. captureFrameCodec.test.ts compares the bytes with
// protobuf-es's encoding of what rtc-node builds, so a schema change upstream fails a test.
//
//   FfiRequest  { 22: CaptureVideoFrameRequest { 1: source_handle u64, 2: buffer VideoBufferInfo
//                   { 1: type enum, 2: width u32, 3: height u32, 4: data_ptr u64, 6: stride u32,
//                     7: components ComponentInfo { 1: data_ptr u64, 2: stride u32, 3: size u32 } },
//                   3: timestamp_us int64, 4: rotation enum } }
//   FfiResponse { 22: CaptureVideoFrameResponse {} }

/** FfiRequest / FfiResponse field 22 (length-delimited): varint of 22 << 3 | 2. */
const MESSAGE_TAG = [0xb2, 0x01] as const;
const TAG_SOURCE_HANDLE = 0x08; // field 1, varint
const TAG_BUFFER = 0x12; // field 2, length-delimited
const TAG_TIMESTAMP_US = 0x18; // field 3, varint
const TAG_ROTATION = 0x20; // field 4, varint
const TAG_TYPE = 0x08; // VideoBufferInfo field 1, varint
const TAG_WIDTH = 0x10; // field 2, varint
const TAG_HEIGHT = 0x18; // field 3, varint
const TAG_DATA_PTR = 0x20; // field 4, varint
const TAG_STRIDE = 0x30; // field 6, varint
const TAG_COMPONENT = 0x3a; // field 7, length-delimited
const TAG_COMPONENT_PTR = 0x08; // ComponentInfo field 1, varint
const TAG_COMPONENT_STRIDE = 0x10; // field 2, varint
const TAG_COMPONENT_SIZE = 0x18; // field 3, varint
const VIDEO_ROTATION_0 = 0;

const BUFFER_TYPES: Record<RawVideoFormat, VideoBufferType> = {
  rgba: VideoBufferType.RGBA,
  bgra: VideoBufferType.BGRA,
  argb: VideoBufferType.ARGB,
  abgr: VideoBufferType.ABGR,
  rgb24: VideoBufferType.RGB24,
  i420: VideoBufferType.I420,
};

/** Bytes per pixel of the packed formats (I420 is planar). */
const PIXEL_BYTES: Record<RawVideoFormat, number> = {
  rgba: 4,
  bgra: 4,
  argb: 4,
  abgr: 4,
  rgb24: 3,
  i420: 0,
};

const requests = new FfiRequestBuffer(256);
/** The encoded VideoBufferInfo: under 128 bytes for frames up to 16,384 pixels a side. */
const info = new Uint8Array(128);
const timestamp = new Uint8Array(10);

/**
 * Encodes an `FfiRequest` carrying `CaptureVideoFrameRequest` (rotation 0) for a frame of
 * `width` x `height` pixels in `format` at native address `dataPtr` into a buffer reused across
 * calls. The result is valid until the next call: hand it to the native request at once. `handle`
 * (the video source's) comes from `encodeHandle`; `timestampUs` (µs) must fit in an int64. The
 * frame must have passed `packRawVideoFrame` (sizes up to 16,384 pixels a side).
 */
export function encodeCaptureFrameRequest(
  handle: Uint8Array,
  format: RawVideoFormat,
  width: number,
  height: number,
  dataPtr: bigint,
  timestampUs: bigint,
): Uint8Array {
  const infoLength = writeBufferInfo(format, width, height, dataPtr);
  const timestampLength = writeVarint64(timestamp, 0, timestampUs);
  const innerLength = 1 + handle.byteLength + 2 + infoLength + 1 + timestampLength + 2;
  const total = MESSAGE_TAG.length + varintSize(innerLength) + innerLength;

  const out = requests.take(total);
  out[0] = MESSAGE_TAG[0];
  out[1] = MESSAGE_TAG[1];
  let pos = writeVarint(out, 2, innerLength);
  out[pos++] = TAG_SOURCE_HANDLE;
  out.set(handle, pos);
  pos += handle.byteLength;
  out[pos++] = TAG_BUFFER;
  out[pos++] = infoLength;
  for (let i = 0; i < infoLength; i++) {
    out[pos++] = info[i]!;
  }
  out[pos++] = TAG_TIMESTAMP_US;
  for (let i = 0; i < timestampLength; i++) {
    out[pos++] = timestamp[i]!;
  }
  out[pos++] = TAG_ROTATION;
  out[pos++] = VIDEO_ROTATION_0;
  return requests.finish(out, total);
}

/** Writes the VideoBufferInfo of a frame into `info`; returns its length (below 128). */
function writeBufferInfo(
  format: RawVideoFormat,
  width: number,
  height: number,
  dataPtr: bigint,
): number {
  info[0] = TAG_TYPE;
  info[1] = BUFFER_TYPES[format];
  info[2] = TAG_WIDTH;
  let pos = writeVarint(info, 3, width);
  info[pos++] = TAG_HEIGHT;
  pos = writeVarint(info, pos, height);
  info[pos++] = TAG_DATA_PTR;
  pos = writeVarint64(info, pos, dataPtr);
  info[pos++] = TAG_STRIDE;
  pos = writeVarint(info, pos, PIXEL_BYTES[format] * width);
  if (format === "i420") {
    const chromaWidth = Math.ceil(width / 2);
    const lumaSize = width * height;
    const chromaSize = chromaWidth * Math.ceil(height / 2);
    pos = writeComponent(pos, dataPtr, width, lumaSize);
    pos = writeComponent(pos, dataPtr + BigInt(lumaSize), chromaWidth, chromaSize);
    pos = writeComponent(pos, dataPtr + BigInt(lumaSize + chromaSize), chromaWidth, chromaSize);
  }
  return pos;
}

/** Writes one plane's ComponentInfo (at most 23 bytes, so its length is one byte). */
function writeComponent(pos: number, dataPtr: bigint, stride: number, size: number): number {
  info[pos++] = TAG_COMPONENT;
  const lengthAt = pos++;
  info[pos++] = TAG_COMPONENT_PTR;
  pos = writeVarint64(info, pos, dataPtr);
  info[pos++] = TAG_COMPONENT_STRIDE;
  pos = writeVarint(info, pos, stride);
  info[pos++] = TAG_COMPONENT_SIZE;
  pos = writeVarint(info, pos, size);
  info[lengthAt] = pos - lengthAt - 1;
  return pos;
}

/**
 * Checks an `FfiResponse` to a capture request: it must carry the (empty)
 * CaptureVideoFrameResponse. Throws FoxgloveError ERR_LIVEKIT for a reply of another kind or
 * malformed bytes.
 */
export function decodeCaptureFrameResponse(bytes: Uint8Array): void {
  if (bytes.length === 3 && bytes[0] === MESSAGE_TAG[0] && bytes[1] === MESSAGE_TAG[1]) {
    if (bytes[2] === 0) {
      return; // the usual reply, byte for byte
    }
  }
  const reader = new ProtoReader(bytes);
  let found = false;
  while (!reader.done) {
    const tag = reader.varint();
    if (tag === (22 << 3) + 2) {
      reader.sub();
      found = true;
    } else {
      reader.skip(tag);
    }
  }
  if (!found) {
    throw new FoxgloveError("ERR_LIVEKIT", "unexpected FFI reply to a video frame capture");
  }
}
