import type { ClientBinaryMessage, ClientBinaryMessageV1 } from "./ClientBinaryMessage.js";
import type { ClientJsonMessage, ClientJsonMessageV1 } from "./ClientJsonMessage.js";

/** Any client → server message of protocol v2 (JSON or binary), discriminated by `op`. */
export type ClientMessage = ClientJsonMessage | ClientBinaryMessage;

/** Any client → server message of protocol v1 (JSON or binary), discriminated by `op`. */
export type ClientMessageV1 = ClientJsonMessageV1 | ClientBinaryMessageV1;
