import type { Capability, ClientMessage } from "../../protocol/index.js";

/** Whether a viewer message may be handled, and how a refusal is answered. */
export type GateDecision =
  | { readonly allowed: true }
  | {
      readonly allowed: false;
      /** `status` = error status, `serviceCallFailure` = failure for the call, `none` = log only. */
      readonly reply: "status" | "serviceCallFailure" | "none";
      readonly message: string;
    };

const ALLOWED: GateDecision = { allowed: true };
const refuse = (
  reply: "status" | "serviceCallFailure" | "none",
  message: string,
): GateDecision => ({
  allowed: false,
  reply,
  message,
});

/**
 * The capability check of a viewer message against the session's announced capabilities.
 * Subscribe/unsubscribe, client unadvertise and ping are always allowed; playback control is never
 * supported over remote access.
 */
export function capabilityGate(
  op: ClientMessage["op"],
  capabilities: ReadonlySet<Capability>,
): GateDecision {
  const need = (capability: Capability, reply: "status" | "serviceCallFailure", message: string) =>
    capabilities.has(capability) ? ALLOWED : refuse(reply, message);
  switch (op) {
    case "subscribe":
    case "unsubscribe":
    case "unadvertise":
    case "ping":
    case "pingAck":
      return ALLOWED;
    case "advertise":
    case "messageData":
      return need("clientPublish", "status", "Server does not support clientPublish capability");
    case "serviceCallRequest":
      return need("services", "serviceCallFailure", "Server does not support services");
    case "fetchAsset":
      return need("assets", "status", "Server does not support assets capability");
    case "getParameters":
    case "setParameters":
      return need("parameters", "status", "Server does not support parameters capability");
    case "subscribeParameterUpdates":
    case "unsubscribeParameterUpdates":
      return need(
        "parametersSubscribe",
        "status",
        "Server does not support parametersSubscribe capability",
      );
    case "subscribeConnectionGraph":
    case "unsubscribeConnectionGraph":
      return need(
        "connectionGraph",
        "status",
        "Server does not support connection graph capability",
      );
    case "playbackControlRequest":
      return refuse("none", "Unhandled client message: playbackControlRequest");
  }
}
