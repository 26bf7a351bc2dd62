import type { ClientMessageV1 } from "./ClientMessage.js";
import { decodeClientBinaryV1, encodeClientBinary } from "./clientBinaryCodec.js";
import { decodeClientJsonV1, encodeClientJson } from "./clientJsonCodec.js";
import { isClientBinaryMessage, isServerBinaryMessage } from "./messageKinds.js";
import { decodeServerBinaryV1, encodeServerBinary } from "./serverBinaryCodec.js";
import { decodeServerJson, encodeServerJson } from "./serverJsonCodec.js";
import type { ServerMessageV1 } from "./ServerMessage.js";

/**
 * Protocol v1 (local WebSocket, appendix A) has no frame header: JSON messages are WebSocket text
 * messages and binary messages are WebSocket binary messages. A `string` below is a text message,
 * a `Uint8Array` a binary message.
 */

/** Encodes a server → client v1 message: JSON text or binary bytes. Throws `ERR_ENCODE`. */
export function encodeServerMessageV1(message: ServerMessageV1): string | Uint8Array {
  return isServerBinaryMessage(message) ? encodeServerBinary(message) : encodeServerJson(message);
}

/** Encodes a client → server v1 message: JSON text or binary bytes. Throws `ERR_ENCODE`. */
export function encodeClientMessageV1(message: ClientMessageV1): string | Uint8Array {
  return isClientBinaryMessage(message) ? encodeClientBinary(message) : encodeClientJson(message);
}

/** Decodes a v1 WebSocket message from a server (text → JSON, bytes → binary). `ERR_DECODE`. */
export function decodeServerMessageV1(data: string | Uint8Array): ServerMessageV1 {
  return typeof data === "string" ? decodeServerJson(data) : decodeServerBinaryV1(data);
}

/** Decodes a v1 WebSocket message from a client (text → JSON, bytes → binary). `ERR_DECODE`. */
export function decodeClientMessageV1(data: string | Uint8Array): ClientMessageV1 {
  return typeof data === "string" ? decodeClientJsonV1(data) : decodeClientBinaryV1(data);
}
