import { VERSION } from "../../core/version.js";
import type { Capability, ServerInfo } from "../../protocol/index.js";

/** The `fg-library` metadata value this SDK announces. */
export const LIBRARY_ID = `foxglove-sdk-typescript/${VERSION}`;

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
