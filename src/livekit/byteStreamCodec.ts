import { FoxgloveError } from "../core/FoxgloveError.js";
import { FfiRequestBuffer } from "./FfiRequestBuffer.js";
import { ProtoReader } from "./ProtoReader.js";
import { varintSize, writeVarint } from "./varint.js";

// Hand-written wire codec of the reliable fan-out's hot FFI exchange, ByteStreamWriterWrite
// (rtc-ffi-bindings 0.12.73, proto2): rtc-node encodes every write with protobuf-es (37-166 µs)
// and decodes every completion event the same way, once per viewer per batch. This writes the
// request straight from the batch's chunks into a reused buffer (the only copy made in
// JavaScript) and reads the completion's async id and error by hand. byteStreamCodec.test.ts
// round-trips every field through the library's generated classes.
//
//   FfiRequest  { 62: ByteStreamWriterWriteRequest { 1: writer_handle u64, 2: bytes } }
//   FfiResponse { 61: ByteStreamWriterWriteResponse { 1: async_id u64 } }
//   FfiEvent    { 32: ByteStreamWriterWriteCallback { 1: async_id u64,
//                   2: error StreamError { 1: description string } (optional) } }

/** FfiRequest field 62 (length-delimited): varint of 62 << 3 | 2. */
const REQUEST_TAG = [0xf2, 0x03] as const;
/** FfiEvent field 32 (length-delimited): varint of 32 << 3 | 2. */
const CALLBACK_TAG = [0x82, 0x02] as const;
const RESPONSE_FIELD = (61 << 3) | 2;
const TAG_WRITER_HANDLE = 0x08; // field 1, varint
const TAG_BYTES = 0x12; // field 2, length-delimited
const requests = new FfiRequestBuffer(1 << 16);

/** A write completion: the request's async id and LiveKit's error text when it failed. */
export interface ByteStreamWriteCompletion {
  readonly asyncId: number;
  readonly error: string | undefined;
}

/**
 * Encodes an `FfiRequest` carrying `ByteStreamWriterWriteRequest` whose bytes are `chunks`
 * concatenated (`byteLength` their total) into a buffer reused across calls: valid until the next
 * call, so hand it to the native request at once. `handle` comes from `encodeHandle`.
 */
export function encodeByteStreamWriteRequest(
  handle: Uint8Array,
  chunks: readonly Uint8Array[],
  byteLength: number,
): Uint8Array {
  const innerLength = 1 + handle.byteLength + 1 + varintSize(byteLength) + byteLength;
  const total = REQUEST_TAG.length + varintSize(innerLength) + innerLength;
  const out = requests.take(total);
  out[0] = REQUEST_TAG[0];
  out[1] = REQUEST_TAG[1];
  let pos = writeVarint(out, 2, innerLength);
  out[pos++] = TAG_WRITER_HANDLE;
  out.set(handle, pos);
  pos += handle.byteLength;
  out[pos++] = TAG_BYTES;
  pos = writeVarint(out, pos, byteLength);
  for (const chunk of chunks) {
    out.set(chunk, pos);
    pos += chunk.byteLength;
  }
  if (pos !== total) {
    throw new FoxgloveError("ERR_VALUE", "byte stream write: byteLength does not match the chunks");
  }
  return requests.finish(out, total);
}

/**
 * The async id of an `FfiResponse` to a byte-stream write. Throws FoxgloveError ERR_LIVEKIT for
 * a reply of another kind or malformed bytes.
 */
export function decodeByteStreamWriteResponse(bytes: Uint8Array): number {
  const reader = new ProtoReader(bytes);
  while (!reader.done) {
    const tag = reader.varint();
    if (tag !== RESPONSE_FIELD) {
      reader.skip(tag);
      continue;
    }
    const response = reader.sub();
    while (!response.done) {
      const field = response.varint();
      if (field === (1 << 3) + 0) {
        return response.varint();
      }
      response.skip(field);
    }
  }
  throw new FoxgloveError("ERR_LIVEKIT", "unexpected FFI reply to a byte stream write");
}

/**
 * Decodes an encoded `FfiEvent` if it is a `ByteStreamWriterWriteCallback`; undefined for any
 * other event. Throws FoxgloveError ERR_LIVEKIT for malformed bytes.
 */
export function decodeByteStreamWriteCallback(
  data: Uint8Array,
): ByteStreamWriteCompletion | undefined {
  if (data[0] !== CALLBACK_TAG[0] || data[1] !== CALLBACK_TAG[1]) {
    return undefined;
  }
  const callback = new ProtoReader(data, 2).sub();
  let asyncId: number | undefined;
  let error: string | undefined;
  while (!callback.done) {
    const tag = callback.varint();
    if (tag === (1 << 3) + 0) {
      asyncId = callback.varint();
    } else if (tag === (2 << 3) + 2) {
      error = "";
      const streamError = callback.sub();
      while (!streamError.done) {
        const field = streamError.varint();
        if (field === (1 << 3) + 2) {
          error = new TextDecoder().decode(streamError.bytes());
        } else {
          streamError.skip(field);
        }
      }
    } else {
      callback.skip(tag);
    }
  }
  if (asyncId === undefined) {
    throw new FoxgloveError("ERR_LIVEKIT", "byte stream write callback without an async id");
  }
  return { asyncId, error };
}
