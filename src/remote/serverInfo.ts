import { FoxgloveError } from "../core/FoxgloveError.js";
import { LIBRARY_ID } from "../core/version.js";
import type { Capability, ServerInfo } from "../protocol/index.js";
/** Inputs of {@link buildServerInfo}. */
export interface ServerInfoOptions {
  /** Device name shown to viewers. */
  readonly name: string;
  /** Expanded capability strings (see `serverCapabilities`). */
  readonly capabilities: readonly Capability[];
  /** Encodings accepted for client publish and service requests; omitted when empty. */
  readonly supportedEncodings?: readonly string[] | undefined;
  /** User key/values; `fg-library` is added (a user value for it is replaced). */
  readonly metadata?: Readonly<Record<string, string>> | undefined;
  /** Remote access session ID from the wake, or `""`. */
  readonly sessionId?: string | undefined;
}

/** The `serverInfo` every viewer receives first; built once per session. */
export function buildServerInfo(options: ServerInfoOptions): ServerInfo {
  const info: ServerInfo = {
    op: "serverInfo",
    name: options.name,
    capabilities: [...options.capabilities],
    metadata: { ...options.metadata, "fg-library": LIBRARY_ID },
    sessionId: options.sessionId ?? "",
  };
  if (options.supportedEncodings !== undefined && options.supportedEncodings.length > 0) {
    info.supportedEncodings = [...options.supportedEncodings];
  }
  return info;
}

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
