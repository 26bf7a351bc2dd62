import type { ClientMessage } from "./ClientMessage.js";
import { decodeClientBinary, encodeClientBinary } from "./clientBinaryCodec.js";
import { decodeClientJson, encodeClientJson } from "./clientJsonCodec.js";
import { encodeFrame, writeFrameHeader } from "./encodeFrame.js";
import { FoxgloveError } from "../core/FoxgloveError.js";
import { encodeError, guardDecode } from "./errors.js";
import { FRAME_HEADER_SIZE, FrameOpcode, type Frame } from "./Frame.js";
import { isClientBinaryMessage, isServerBinaryMessage } from "./messageKinds.js";
import {
  decodeServerBinary,
  encodeServerBinary,
  MESSAGE_DATA_HEADER_SIZE,
  writeMessageData,
} from "./serverBinaryCodec.js";
import { decodeServerJson, encodeServerJson } from "./serverJsonCodec.js";
import type { ServerMessage } from "./ServerMessage.js";
import { encodeUtf8 } from "./utf8.js";

/**
 * A framed server → client v2 message for a control stream: JSON messages in a frame with opcode
 * 1, binary messages with opcode 2. Throws `ERR_ENCODE`.
 */
export function encodeServerFrame(message: ServerMessage): Uint8Array {
  return isServerBinaryMessage(message)
    ? encodeFrame(FrameOpcode.Binary, encodeServerBinary(message))
    : encodeFrame(FrameOpcode.Json, encodeUtf8(encodeServerJson(message)));
}

/** A framed client → server v2 message for a control stream. Throws `ERR_ENCODE`. */
export function encodeClientFrame(message: ClientMessage): Uint8Array {
  return isClientBinaryMessage(message)
    ? encodeFrame(FrameOpcode.Binary, encodeClientBinary(message))
    : encodeFrame(FrameOpcode.Json, encodeUtf8(encodeClientJson(message)));
}

/**
 * A framed v2 `MessageData` in one allocation (the Reliable-channel hot path): frame header,
 * opcode 0x01, u64 channel id, u64 log time, `data`. Throws `ERR_ENCODE`.
 */
export function encodeMessageDataFrame(
  channelId: number,
  logTime: bigint,
  data: Uint8Array,
): Uint8Array {
  if (!(data instanceof Uint8Array)) {
    throw encodeError("messageData.data must be a Uint8Array");
  }
  const size = MESSAGE_DATA_HEADER_SIZE + data.length;
  const out = new Uint8Array(FRAME_HEADER_SIZE + size);
  writeFrameHeader(out, 0, FrameOpcode.Binary, size);
  writeMessageData(out, FRAME_HEADER_SIZE, channelId, logTime, data);
  return out;
}

function checkOpcode(frame: Frame): FrameOpcode {
  if (frame.opcode !== FrameOpcode.Json && frame.opcode !== FrameOpcode.Binary) {
    throw new FoxgloveError("ERR_PROTOCOL", "Unknown frame opcode (expected 1 or 2)");
  }
  return frame.opcode;
}

/** Decodes the message in a frame from the device (v2). Throws `ERR_DECODE`/`ERR_PROTOCOL`. */
export function decodeServerFrame(frame: Frame): ServerMessage {
  return guardDecode("server frame", () =>
    checkOpcode(frame) === FrameOpcode.Json
      ? decodeServerJson(frame.payload)
      : decodeServerBinary(frame.payload),
  );
}

/** Decodes the message in a frame from a viewer (v2). Throws `ERR_DECODE`/`ERR_PROTOCOL`. */
export function decodeClientFrame(frame: Frame): ClientMessage {
  return guardDecode("client frame", () =>
    checkOpcode(frame) === FrameOpcode.Json
      ? decodeClientJson(frame.payload)
      : decodeClientBinary(frame.payload),
  );
}
