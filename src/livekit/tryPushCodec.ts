import type { LocalDataTrackTryPushErrorCode } from "@livekit/rtc-ffi-bindings";
import { FoxgloveError } from "../core/FoxgloveError.js";
import { FfiRequestBuffer } from "./FfiRequestBuffer.js";
import { ProtoReader } from "./ProtoReader.js";
import { varintSize, writeVarint, writeVarint64 } from "./varint.js";

// Hand-written wire codec of the one FFI request on the lossy hot path, LocalDataTrackTryPush
// (rtc-ffi-bindings 0.12.73, proto2). protobuf-es's reflective toBinary/fromBinary cost more CPU
// than the native call itself; this writes the fixed shape into a reused buffer and reads only
// the error code back. tryPushCodec.test.ts round-trips every field through the library's own
// generated classes, so a schema change upstream fails a test instead of corrupting frames.
//
//   FfiRequest    { 70: LocalDataTrackTryPushRequest { 1: track_handle u64, 2: frame
//                     DataTrackFrame { 1: payload bytes, 2: user_timestamp u64 (optional) } } }
//   FfiResponse   { 69: LocalDataTrackTryPushResponse { 2: error (optional)
//                     LocalDataTrackTryPushError { 1: code enum, 2: message string } } }

/** FfiRequest field 70 (length-delimited): varint of 70 << 3 | 2. */
const REQUEST_TAG = [0xb2, 0x04] as const;
/** FfiResponse field 69 (length-delimited): varint of 69 << 3 | 2. */
const RESPONSE_TAG = [0xaa, 0x04] as const;
const TAG_TRACK_HANDLE = 0x08; // field 1, varint
const TAG_FRAME = 0x12; // field 2, length-delimited
const TAG_PAYLOAD = 0x0a; // field 1, length-delimited
const TAG_USER_TIMESTAMP = 0x10; // field 2, varint

/** The error of a try-push reply: LiveKit's `LocalDataTrackTryPushErrorCode` and its text. */
export interface TryPushError {
  readonly code: LocalDataTrackTryPushErrorCode;
  readonly message: string;
}

const requests = new FfiRequestBuffer(4096);
const timestamp = new Uint8Array(10);

/**
 * Encodes an `FfiRequest` carrying `LocalDataTrackTryPushRequest` for the frame `prefix` +
 * `payload` (the prefix may be empty) into a buffer reused across calls. The result is valid until
 * the next call: hand it to the native request at once. `handle` comes from `encodeHandle`.
 */
export function encodeTryPushRequest(
  handle: Uint8Array,
  prefix: Uint8Array | undefined,
  payload: Uint8Array,
  userTimestamp: bigint | undefined,
): Uint8Array {
  const prefixLength = prefix === undefined ? 0 : prefix.byteLength;
  const payloadLength = prefixLength + payload.byteLength;
  const timestampLength =
    userTimestamp === undefined ? 0 : 1 + writeVarint64(timestamp, 0, userTimestamp);
  const frameLength = 1 + varintSize(payloadLength) + payloadLength + timestampLength;
  const innerLength = 1 + handle.byteLength + 1 + varintSize(frameLength) + frameLength;
  const total = REQUEST_TAG.length + varintSize(innerLength) + innerLength;

  const out = requests.take(total);
  out[0] = REQUEST_TAG[0];
  out[1] = REQUEST_TAG[1];
  let pos = writeVarint(out, 2, innerLength);
  out[pos++] = TAG_TRACK_HANDLE;
  out.set(handle, pos);
  pos += handle.byteLength;
  out[pos++] = TAG_FRAME;
  pos = writeVarint(out, pos, frameLength);
  out[pos++] = TAG_PAYLOAD;
  pos = writeVarint(out, pos, payloadLength);
  if (prefix !== undefined && prefixLength > 0) {
    out.set(prefix, pos);
    pos += prefixLength;
  }
  out.set(payload, pos);
  pos += payload.byteLength;
  if (userTimestamp !== undefined) {
    out[pos++] = TAG_USER_TIMESTAMP;
    for (let i = 0; i < timestampLength - 1; i++) {
      out[pos++] = timestamp[i]!;
    }
  }
  return requests.finish(out, total);
}

/**
 * Decodes an `FfiResponse` to a try-push request: undefined when the frame was accepted, else
 * the error. Throws FoxgloveError ERR_LIVEKIT for a reply of another kind or malformed bytes.
 */
export function decodeTryPushResponse(bytes: Uint8Array): TryPushError | undefined {
  if (bytes.length === 3 && bytes[0] === RESPONSE_TAG[0] && bytes[1] === RESPONSE_TAG[1]) {
    if (bytes[2] === 0) {
      return undefined; // the common case: an empty LocalDataTrackTryPushResponse
    }
  }
  const reader = new ProtoReader(bytes);
  let response: ProtoReader | undefined;
  while (!reader.done) {
    const tag = reader.varint();
    if (tag === (69 << 3) + 2) {
      response = reader.sub();
    } else {
      reader.skip(tag);
    }
  }
  if (response === undefined) {
    throw new FoxgloveError("ERR_LIVEKIT", "unexpected FFI reply to a data-track push");
  }
  let error: TryPushError | undefined;
  while (!response.done) {
    const tag = response.varint();
    if (tag === (2 << 3) + 2) {
      error = decodeError(response.sub());
    } else {
      response.skip(tag);
    }
  }
  return error;
}

function decodeError(reader: ProtoReader): TryPushError {
  let code = 0;
  let message = "";
  while (!reader.done) {
    const tag = reader.varint();
    if (tag === (1 << 3) + 0) {
      code = reader.varint();
    } else if (tag === (2 << 3) + 2) {
      message = new TextDecoder().decode(reader.bytes());
    } else {
      reader.skip(tag);
    }
  }
  return { code, message };
}
