import {
  checkProtocolVersion,
  DEFAULT_PROTOCOL_VERSION,
  incompatibleVersionMessage,
  type SemVer,
  type Status,
} from "../../protocol/index.js";

/** Outcome of {@link checkViewerProtocolVersion}. */
export type ProtocolVersionCheck =
  /** `parsed` is kept per viewer: it picks the advertise form (schema table from 2.3.0). */
  | { readonly compatible: true; readonly version: string; readonly parsed: SemVer }
  /** `status` is the one error status to send the rejected viewer on a one-off control stream. */
  | { readonly compatible: false; readonly version: string; readonly status: Status };

/**
 * The admission gate for a viewer, from its `protocolVersion` attribute (undefined when absent,
 * which counts as 2.2.0). Compatible: a valid semantic version, major 2, not below 2.2.0 in semver
 * order (a pre-release of 2.2.0 is rejected). A rejected viewer gets exactly one error status,
 * naming the version this device speaks (2.3.0).
 */
export function checkViewerProtocolVersion(attribute: string | undefined): ProtocolVersionCheck {
  const version = attribute ?? DEFAULT_PROTOCOL_VERSION;
  const parsed = checkProtocolVersion(attribute);
  if (parsed !== undefined) {
    return { compatible: true, version, parsed };
  }
  return {
    compatible: false,
    version,
    status: { op: "status", level: 2, message: incompatibleVersionMessage(attribute) },
  };
}
