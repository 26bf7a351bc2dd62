import type { IceServerConfig } from "../livekit/index.js";
import type { ViewerHubOptions } from "../remote/ViewerHubOptions.js";
import type { ViewerListener, ViewerStatus } from "../remote/ViewerListener.js";
import type { Clock } from "./Clock.js";
import type { ConnectionStatus } from "./ConnectionStatus.js";
import type { JoinRoom } from "./RoomSession.js";
import type { SessionLimitOptions } from "./session/resolveSessionOptions.js";
import type { GatewayTimings } from "./timings.js";

/**
 * Callbacks of a gateway; all optional, run synchronously, must not block. Throws are logged.
 * The viewer callbacks (`onSubscribe`, `onMessageData`, ...) come from the viewer hub.
 */
export interface GatewayListener extends ViewerListener {
  /** The connection status changed (the initial `connecting` is always reported). */
  onConnectionStatusChanged?(status: ConnectionStatus): void;
}

/** A status message shown to viewers (`id` lets {@link RemoteAccessGateway.removeStatus} retract it). */
export type GatewayStatus = ViewerStatus;

/**
 * Options of `startGateway`: what viewers are served (the {@link ViewerHubOptions}: context,
 * channel filter, capabilities, encodings, QoS ...), the LiveKit session's limits, and how the
 * gateway reaches the API.
 */
export interface GatewayOptions extends ViewerHubOptions, SessionLimitOptions {
  /** Server name shown to viewers. Default: the device's name from the API. */
  name?: string;
  /** The device token (`fox_dt_...`). Default env `FOXGLOVE_DEVICE_TOKEN`; required. Secret. */
  deviceToken?: string;
  /** Foxglove API base URL. Default env `FOXGLOVE_API_URL`, else `https://api.foxglove.dev`. */
  foxgloveApiUrl?: string;
  /**
   * API timeout in milliseconds (device-info and heartbeat calls; the watch until its headers).
   * Default env `FOXGLOVE_API_TIMEOUT` (whole seconds), else 30 000.
   */
  foxgloveApiTimeoutMs?: number;
  /** Callbacks: connection status and viewer events. */
  listener?: GatewayListener;
  /** Aborting it stops the gateway, as `stop()` does. */
  signal?: AbortSignal;
  /** ICE servers for the LiveKit connection instead of the server's. Default the server's. */
  iceServers?: readonly IceServerConfig[];
  /**
   * Joins the LiveKit room of a wake. Default: the SDK's session (`sessionJoiner`) with the
   * limits and ICE servers above. A custom joiner gets the gateway's viewer hub in its request.
   */
  joinRoom?: JoinRoom;
  /**
   * Overrides of the protocol's timings (milliseconds). For tests that need the real logic at
   * a faster pace; production code should leave it unset.
   */
  timings?: Partial<GatewayTimings>;
  /** The clock for timers and durations. Default the system clock. For tests. */
  clock?: Clock;
}
