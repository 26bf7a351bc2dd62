import type { ServerBinaryMessage, ServerBinaryMessageV1 } from "./ServerBinaryMessage.js";
import type { ServerJsonMessage } from "./ServerJsonMessage.js";

/** Any server → client message of protocol v2 (JSON or binary), discriminated by `op`. */
export type ServerMessage = ServerJsonMessage | ServerBinaryMessage;

/** Any server → client message of protocol v1 (JSON or binary), discriminated by `op`. */
export type ServerMessageV1 = ServerJsonMessage | ServerBinaryMessageV1;
