import type { Clock } from "./Clock.js";
import type { ConnectionStatus } from "./ConnectionStatus.js";
import type { JoinRoom } from "./RoomSession.js";
import type { GatewayTimings } from "./timings.js";

/** Callbacks of a gateway; all optional, run synchronously, must not block. Throws are logged. */
export interface GatewayListener {
  /** The connection status changed (the initial `connecting` is always reported). */
  onConnectionStatusChanged(status: ConnectionStatus): void;
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
  /** Callbacks. */
  listener?: Partial<GatewayListener>;
  /** Aborting it stops the gateway, as `stop()` does. */
  signal?: AbortSignal;
  /**
   * Joins the LiveKit room of a wake. Default: the SDK's LiveKit session. Tests and custom
   * session layers pass their own.
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
