import type { FoxgloveError } from "../core/FoxgloveError.js";
import type { AdvertisedService, ServerInfo, ServerMessage, Status } from "../protocol/index.js";
import type { ChannelChange } from "./ChannelTable.js";
import type { ViewerChannel } from "./ViewerChannel.js";

/**
 * Why a viewer closed: `closed` (close() or its signal), `deviceLeft` (the device left the room),
 * `rejected` (the device refused this viewer, e.g. incompatible protocol version),
 * `disconnected` (this viewer's LiveKit connection ended, or it was cut off from the room, and it
 * did not or could not reconnect).
 */
export type ViewerCloseReason = "closed" | "deviceLeft" | "rejected" | "disconnected";

/** Events of a viewer: name → listener arguments. */
export type ViewerEvents = {
  /** The device's `serverInfo` (again after each reset). */
  serverInfo: [info: ServerInfo];
  /** The advertised channels changed; `channels` is the new snapshot, in id order. */
  channels: [channels: readonly ViewerChannel[], change: ChannelChange];
  /** The advertised services changed; the new snapshot. */
  services: [services: readonly AdvertisedService[]];
  /** A status message from the device. */
  status: [status: Status];
  /** The device withdrew these status ids. */
  removeStatus: [statusIds: readonly string[]];
  /** Every message decoded from the device's control stream, after it was applied. */
  message: [message: ServerMessage];
  /**
   * The device opened a new control stream (spec 1.9 step 7): channels, services and statuses
   * were forgotten; subscriptions are renewed as the channels are advertised again.
   */
  reset: [];
  /**
   * Bad input from the device (malformed frame or message, corrupt stream, bad data-track frame)
   * or a failed send. The viewer keeps running; `error.code` says what happened.
   */
  error: [error: FoxgloveError];
  /**
   * This viewer lost its connection to the room (LiveKit cut it off; the device may well still be
   * there) and, with `reconnect` on, is joining again. Channels are forgotten until then.
   */
  disconnected: [error: FoxgloveError];
  /** The viewer joined the device's room again after `disconnected`; a reset follows. */
  reconnected: [];
  /** The viewer closed; subscriptions have ended. Emitted once. */
  close: [reason: ViewerCloseReason, error: FoxgloveError | undefined];
};
