import type { Capability, ClientMessage } from "../protocol/index.js";

/** How a refused viewer message is answered: error status, call failure, or a debug log. */
export type GateReply = "status" | "serviceCallFailure" | "none";

/** The capability a viewer message needs and how a refusal is answered. */
export interface Gate {
  /** The capability that allows the message; `undefined` = never supported by this transport. */
  readonly capability: Capability | undefined;
  readonly reply: GateReply;
  /** The refusal text (status message, failure message, or log line). */
  readonly message: string;
}

/**
 * Capability gating as data: one row per gated op; ops without a row are always allowed. Each
 * transport has its own table (a v1 WebSocket server gates `playbackControlRequest` on
 * `playbackControl` instead of refusing it).
 */
export type CapabilityTable = Readonly<Partial<Record<ClientMessage["op"], Gate>>>;

const gate = (capability: Capability | undefined, reply: GateReply, message: string): Gate => ({
  capability,
  reply,
  message,
});
const CLIENT_PUBLISH = gate(
  "clientPublish",
  "status",
  "Server does not support clientPublish capability",
);
const PARAMETERS = gate("parameters", "status", "Server does not support parameters capability");
const PARAMETERS_SUBSCRIBE = gate(
  "parametersSubscribe",
  "status",
  "Server does not support parametersSubscribe capability",
);
const GRAPH = gate(
  "connectionGraph",
  "status",
  "Server does not support connection graph capability",
);

/**
 * The remote-access table (spec session 9.1). Subscribe/unsubscribe, client unadvertise and ping
 * are always allowed; playback control is never supported over remote access.
 */
export const REMOTE_ACCESS_GATES: CapabilityTable = {
  advertise: CLIENT_PUBLISH,
  messageData: CLIENT_PUBLISH,
  serviceCallRequest: gate("services", "serviceCallFailure", "Server does not support services"),
  fetchAsset: gate("assets", "status", "Server does not support assets capability"),
  getParameters: PARAMETERS,
  setParameters: PARAMETERS,
  subscribeParameterUpdates: PARAMETERS_SUBSCRIBE,
  unsubscribeParameterUpdates: PARAMETERS_SUBSCRIBE,
  subscribeConnectionGraph: GRAPH,
  unsubscribeConnectionGraph: GRAPH,
  playbackControlRequest: gate(
    undefined,
    "none",
    "Unhandled client message: playbackControlRequest",
  ),
};

/** The gate that refuses `op` under `capabilities`, or undefined when the message is allowed. */
export function refusal(
  op: ClientMessage["op"],
  capabilities: ReadonlySet<Capability>,
  table: CapabilityTable = REMOTE_ACCESS_GATES,
): Gate | undefined {
  const row = table[op];
  if (row === undefined || (row.capability !== undefined && capabilities.has(row.capability))) {
    return undefined;
  }
  return row;
}
