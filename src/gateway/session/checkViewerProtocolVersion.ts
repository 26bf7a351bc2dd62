import type { Status } from "../../protocol/index.js";

/** The LiveKit participant attribute carrying a peer's remote access protocol version. */
export const PROTOCOL_VERSION_ATTRIBUTE = "protocolVersion";

/** The protocol version this device speaks, also the version assumed when a viewer sends none. */
export const DEVICE_PROTOCOL_VERSION = "2.2.0";

/** Outcome of {@link checkViewerProtocolVersion}. */
export type ProtocolVersionCheck =
  | { readonly compatible: true; readonly version: string }
  /** `status` is the one error status to send the rejected viewer on a one-off control stream. */
  | { readonly compatible: false; readonly version: string; readonly status: Status };

const NUM = "(0|[1-9]\\d*)";
const PRE_ID = "(?:0|[1-9]\\d*|\\d*[A-Za-z-][0-9A-Za-z-]*)";
const SEMVER = new RegExp(
  `^${NUM}\\.${NUM}\\.${NUM}(?:-(${PRE_ID}(?:\\.${PRE_ID})*))?(?:\\+[0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*)?$`,
);

/**
 * The admission gate for a viewer, from its `protocolVersion` attribute (undefined when absent,
 * which counts as 2.2.0). Compatible means: a valid semantic version, major 2, and not below
 * 2.2.0 in semver order (so a pre-release of 2.2.0 is rejected). Pure; never throws.
 */
export function checkViewerProtocolVersion(attribute: string | undefined): ProtocolVersionCheck {
  const version = attribute ?? DEVICE_PROTOCOL_VERSION;
  const m = SEMVER.exec(version);
  if (m !== null) {
    const [major, minor, patch] = [m[1], m[2], m[3]].map(Number) as [number, number, number];
    const preRelease = m[4] !== undefined;
    const belowMinimum = minor < 2 || (minor === 2 && patch === 0 && preRelease);
    if (
      major === 2 &&
      !belowMinimum &&
      Number.isSafeInteger(minor) &&
      Number.isSafeInteger(patch)
    ) {
      return { compatible: true, version };
    }
  }
  return {
    compatible: false,
    version,
    status: {
      op: "status",
      level: 2,
      message: `Remote access protocol version ${version} is not compatible with this device (supported: ${DEVICE_PROTOCOL_VERSION})`,
    },
  };
}
