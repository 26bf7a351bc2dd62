import type { ClientBinaryMessage, ClientBinaryMessageV1 } from "./ClientBinaryMessage.js";
import type { ClientMessage, ClientMessageV1 } from "./ClientMessage.js";
import type { ServerBinaryMessage, ServerBinaryMessageV1 } from "./ServerBinaryMessage.js";
import type { ServerMessage, ServerMessageV1 } from "./ServerMessage.js";

const SERVER_BINARY_OPS: ReadonlySet<string> = new Set<ServerBinaryMessage["op"]>([
  "messageData",
  "time",
  "serviceCallResponse",
  "fetchAssetResponse",
  "playbackState",
  "pong",
]);

const CLIENT_BINARY_OPS: ReadonlySet<string> = new Set<ClientBinaryMessage["op"]>([
  "messageData",
  "serviceCallRequest",
  "playbackControlRequest",
  "ping",
  "pingAck",
]);

/** True when a server message travels as a binary message (by its `op`). */
export function isServerBinaryMessage(
  message: ServerMessage | ServerMessageV1,
): message is ServerBinaryMessage | ServerBinaryMessageV1 {
  return SERVER_BINARY_OPS.has(message.op);
}

/** True when a client message travels as a binary message (by its `op`). */
export function isClientBinaryMessage(
  message: ClientMessage | ClientMessageV1,
): message is ClientBinaryMessage | ClientBinaryMessageV1 {
  return CLIENT_BINARY_OPS.has(message.op);
}
