import type { Context } from "../core/Context.js";
import type { SinkChannelFilter } from "../core/Sink.js";
import type { IceServerConfig } from "../livekit/index.js";
import type { Clock } from "./Clock.js";
import type { ConnectionStatus } from "./ConnectionStatus.js";
import type { JoinRoom } from "./RoomSession.js";
import type { QosClassifier } from "./session/QosProfile.js";
import type { GatewayCapability } from "./session/serverCapabilities.js";
import type { SessionListener } from "./session/SessionListener.js";
import type { GatewayTimings } from "./timings.js";

/**
 * Callbacks of a gateway; all optional, run synchronously, must not block. Throws are logged.
 * The viewer callbacks (`onSubscribe`, `onMessageData`, ...) come from the session.
 */
export interface GatewayListener extends SessionListener {
  /** The connection status changed (the initial `connecting` is always reported). */
  onConnectionStatusChanged?(status: ConnectionStatus): void;
}

/** A status message shown to viewers (`id` lets {@link RemoteAccessGateway.removeStatus} retract it). */
export interface GatewayStatus {
  readonly level: "info" | "warning" | "error";
  readonly message: string;
  readonly id?: string;
}

/** Options of `startGateway`. */
export interface GatewayOptions {
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
  /** Whose channels viewers see. Default `Context.default()`. */
  context?: Context;
  /** Channels offered to viewers. Default all. */
  channelFilter?: SinkChannelFilter;
  /** Capabilities announced to viewers (`parameters` adds `parametersSubscribe`). Default none. */
  capabilities?: GatewayCapability[];
  /** Encodings accepted for client publish and service requests. Default none. */
  supportedEncodings?: string[];
  /** Extra ServerInfo metadata (`fg-library` is always set). Default none. */
  serverInfo?: Record<string, string>;
  /** Reliable or lossy delivery per channel. Default lossy (data tracks). */
  qosClassifier?: QosClassifier;
  /** Per-viewer control queue, in messages; a viewer that overflows it is reset. Default 1024. */
  messageBacklogSize?: number;
  /** Largest lossy message in bytes; at least 1200. Default 102 400. */
  maxDataTrackMessageSize?: number;
  /**
   * Largest frame a viewer may send the device, in bytes (1024 to 16 MiB). Default 1048576
   * (1 MiB): ample for client-published messages and service requests, and a bound on what a
   * hostile viewer can make the device hold.
   */
  maxViewerFrameSize?: number;
  /** Control streams one viewer identity may have open toward the device. Default 4. */
  maxControlStreamsPerViewer?: number;
  /** ICE servers for the LiveKit connection instead of the server's. Default the server's. */
  iceServers?: readonly IceServerConfig[];
  /**
   * Joins the LiveKit room of a wake. Default: the SDK's session built from the options above.
   * Custom session layers (and tests) pass their own; the options above are then unused.
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
