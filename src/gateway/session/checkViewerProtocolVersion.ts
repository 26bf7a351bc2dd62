import {
  DEFAULT_PROTOCOL_VERSION,
  incompatibleVersionMessage,
  isCompatibleProtocolVersion,
  type Status,
} from "../../protocol/index.js";
import { REMOTE_ACCESS_PROTOCOL_VERSION } from "../lifecycle.js";

/** Outcome of {@link checkViewerProtocolVersion}. */
export type ProtocolVersionCheck =
  | { readonly compatible: true; readonly version: string }
  /** `status` is the one error status to send the rejected viewer on a one-off control stream. */
  | { readonly compatible: false; readonly version: string; readonly status: Status };

/**
 * The admission gate for a viewer, from its `protocolVersion` attribute (undefined when absent,
 * which counts as 2.2.0). Compatible: a valid semantic version, major 2, not below 2.2.0 in semver
 * order (a pre-release of 2.2.0 is rejected). A rejected viewer gets exactly one error status.
 */
export function checkViewerProtocolVersion(attribute: string | undefined): ProtocolVersionCheck {
  const version = attribute ?? DEFAULT_PROTOCOL_VERSION;
  if (isCompatibleProtocolVersion(attribute)) {
    return { compatible: true, version };
  }
  return {
    compatible: false,
    version,
    status: {
      op: "status",
      level: 2,
      message: incompatibleVersionMessage(attribute, REMOTE_ACCESS_PROTOCOL_VERSION),
    },
  };
}
