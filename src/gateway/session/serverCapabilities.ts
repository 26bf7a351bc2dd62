import { FoxgloveError } from "../../core/FoxgloveError.js";
import type { Capability } from "../../protocol/index.js";

/** A capability a gateway can be configured with. */
export type GatewayCapability =
  "clientPublish" | "parameters" | "services" | "assets" | "connectionGraph";

/** What the gateway was given, which turns some capabilities on automatically. */
export interface CapabilityInputs {
  /** True when services were registered at start (adds `services`). */
  readonly hasServices?: boolean;
  /** True when an asset handler is set (adds `assets`; `assets` without one is an error). */
  readonly hasAssetHandler?: boolean;
  /** True when a parameter handler is set (adds `parameters`). */
  readonly hasParameterHandler?: boolean;
}

/**
 * The `serverInfo.capabilities` strings: the configured list in order (`parameters` expands to
 * `parameters` + `parametersSubscribe`), then automatically added ones, without duplicates.
 * Throws FoxgloveError `ERR_CONFIGURATION` when `assets` is configured without an asset handler.
 */
export function serverCapabilities(
  configured: readonly GatewayCapability[],
  inputs: CapabilityInputs = {},
): Capability[] {
  if (configured.includes("assets") && inputs.hasAssetHandler !== true) {
    throw new FoxgloveError("ERR_CONFIGURATION", "the assets capability requires an asset handler");
  }
  const all = [...configured];
  if (inputs.hasServices === true) all.push("services");
  if (inputs.hasAssetHandler === true) all.push("assets");
  if (inputs.hasParameterHandler === true) all.push("parameters");
  const out: Capability[] = [];
  for (const c of all) {
    const strings: Capability[] = c === "parameters" ? ["parameters", "parametersSubscribe"] : [c];
    for (const s of strings) {
      if (!out.includes(s)) out.push(s);
    }
  }
  return out;
}
