/** Capability strings a server announces in `serverInfo.capabilities` (spec 5.1). */
export type Capability =
  | "clientPublish"
  | "parameters"
  | "parametersSubscribe"
  | "time"
  | "services"
  | "connectionGraph"
  | "assets"
  | "playbackControl";

/** Every known capability, in spec order. */
export const CAPABILITIES: readonly Capability[] = [
  "clientPublish",
  "parameters",
  "parametersSubscribe",
  "time",
  "services",
  "connectionGraph",
  "assets",
  "playbackControl",
];

/** Capabilities a v2 (LiveKit) gateway may announce; `time` and `playbackControl` are v1 only. */
export const GATEWAY_CAPABILITIES: readonly Capability[] = [
  "clientPublish",
  "parameters",
  "parametersSubscribe",
  "services",
  "connectionGraph",
  "assets",
];

/** True when `value` is a known capability string (receivers ignore unknown ones). */
export function isCapability(value: unknown): value is Capability {
  return typeof value === "string" && (CAPABILITIES as readonly string[]).includes(value);
}
