import { FoxgloveError } from "../core/FoxgloveError.js";
import type { Capability, ServerInfo } from "../protocol/index.js";

/**
 * The device did not announce the capability an operation needs (spec 5.1), so the viewer did
 * not send the request. `code` is `ERR_CAPABILITY`; {@link capability} names what is missing.
 */
export class CapabilityError extends FoxgloveError {
  /** The capability the device would have to announce in `serverInfo.capabilities`. */
  readonly capability: Capability;

  constructor(capability: Capability, operation: string) {
    super(
      "ERR_CAPABILITY",
      `the device does not support ${operation} (it does not announce the ${capability} capability)`,
    );
    this.name = "CapabilityError";
    this.capability = capability;
  }
}

/**
 * Throws {@link CapabilityError} unless `info` announces `capability`. Without a `serverInfo`
 * (briefly, while the device resets its session) throws FoxgloveError `ERR_CHANNEL_CLOSED`.
 */
export function requireCapability(
  info: ServerInfo | undefined,
  capability: Capability,
  operation: string,
): ServerInfo {
  if (info === undefined) {
    throw new FoxgloveError(
      "ERR_CHANNEL_CLOSED",
      `cannot ${operation} now: the device is resetting the session`,
    );
  }
  if (!info.capabilities.includes(capability)) {
    throw new CapabilityError(capability, operation);
  }
  return info;
}
