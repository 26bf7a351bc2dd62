import type { FoxgloveError } from "../core/FoxgloveError.js";
import type { ClientMessage, ServerInfo } from "../protocol/index.js";

/**
 * One feature of {@link ViewerActions} (client publish, services, parameters, graph, assets):
 * what it does when the device resets the session and when the viewer closes.
 */
export interface ActionFeature {
  /**
   * The device sent `serverInfo` on a new control stream and knows nothing of this viewer:
   * renew what it forgot (only where `info` still announces the capability).
   */
  restore(info: ServerInfo): void;
  /** The device reset the session: fail what it will never answer, with `error`. */
  reset(error: FoxgloveError): void;
  /** The viewer closed: fail and end everything with `error`; send nothing more. */
  close(error: FoxgloveError): void;
}

/** Sends a message to the device on the viewer's control stream. */
export type SendToDevice = (message: ClientMessage) => void;
