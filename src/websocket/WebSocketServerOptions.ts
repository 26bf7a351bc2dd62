import { FoxgloveError } from "../core/FoxgloveError.js";
import type { TimeLike } from "../core/time.js";
import { toNanos } from "../core/time.js";
import { DEFAULT_MAX_VIEWER_FRAME_SIZE } from "../gateway/session/sessionDefaults.js";
import type { PlaybackControlRequest, PlaybackState } from "../protocol/index.js";
import type { ViewerClient } from "../remote/ViewerListener.js";
import type { ViewerHubOptions } from "../remote/ViewerHubOptions.js";

/**
 * The status sent before a client whose reliable backlog (`messageBacklogSize`) overflowed is
 * disconnected.
 */
export const BACKLOG_FULL_MESSAGE =
  "Disconnected because the message backlog on the server is full. The backlog size is configurable in the server setup.";

/** Playback support of a server that replays data (`foxglove-remote play`). */
export interface PlaybackOptions {
  /** The recording's time range, announced in `serverInfo` (`dataStartTime`/`dataEndTime`). */
  timeRange?: { start: TimeLike; end: TimeLike };
  /**
   * Handles a client's play/pause/seek/speed request; the returned state is sent to every client
   * (with the request id). Exceptions are caught and logged.
   */
  onControl(request: PlaybackControlRequest, client: ViewerClient): PlaybackState | undefined;
}

/** Options of `startServer` / `WebSocketServer`; every viewer option of the hub applies. */
export interface WebSocketServerOptions extends ViewerHubOptions {
  /** Interface to listen on. Default `127.0.0.1` (use `0.0.0.0` to serve other machines). */
  host?: string;
  /** TCP port; 0 picks a free one. Default 8765. */
  port?: number;
  /** The server name in `serverInfo`. Default `foxglove-remote`. */
  name?: string;
  /** `serverInfo.sessionId`. Default: the start time in milliseconds. */
  sessionId?: string;
  /** Serve `wss://` with this PEM certificate and key (both or neither). Default: plain `ws://`. */
  tls?: { cert: string | Uint8Array; key: string | Uint8Array };
  /** Messages waiting per client before it is disconnected as too slow. Default 1024. */
  messageBacklogSize?: number;
  /** Waiting messages beyond which a client's Lossy messages are dropped. Default 256. */
  lossyBacklogSize?: number;
  /**
   * Largest message accepted from a client, in bytes; a larger one closes that connection.
   * Default 1 MiB, the gateway's `maxViewerFrameSize`.
   */
  maxMessageSize?: number;
  /** Announce the `time` capability (then use `broadcastTime`). Default false. */
  time?: boolean;
  /** Announce `playbackControl` (and `time`) and handle its requests. Default none. */
  playback?: PlaybackOptions;
}

/** The transport's own options with defaults applied (the hub resolves the rest). */
export interface ResolvedWebSocketServerOptions {
  readonly host: string;
  readonly port: number;
  readonly name: string;
  readonly sessionId: string;
  readonly tls: { cert: string | Uint8Array; key: string | Uint8Array } | undefined;
  readonly messageBacklogSize: number;
  readonly lossyBacklogSize: number;
  readonly maxMessageSize: number;
  readonly time: boolean;
  readonly playback: PlaybackOptions | undefined;
  readonly timeRange: { start: bigint; end: bigint } | undefined;
}

/**
 * Applies the defaults of the transport options.
 * @throws {FoxgloveError} `ERR_CONFIGURATION` for an invalid port, size or TLS pair
 */
export function resolveWebSocketServerOptions(
  options: WebSocketServerOptions,
): ResolvedWebSocketServerOptions {
  const port = options.port ?? 8765;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new FoxgloveError("ERR_CONFIGURATION", `port must be 0..65535, got ${port}`);
  }
  const tls = options.tls;
  if (tls !== undefined && (tls.cert.length === 0 || tls.key.length === 0)) {
    throw new FoxgloveError("ERR_CONFIGURATION", "tls needs both a certificate and a key");
  }
  const range = options.playback?.timeRange;
  return {
    host: options.host ?? "127.0.0.1",
    port,
    name: options.name ?? "foxglove-remote",
    sessionId: options.sessionId ?? `${Date.now()}`,
    tls,
    messageBacklogSize: atLeast("messageBacklogSize", options.messageBacklogSize ?? 1024, 1),
    lossyBacklogSize: atLeast("lossyBacklogSize", options.lossyBacklogSize ?? 256, 1),
    maxMessageSize: atLeast(
      "maxMessageSize",
      options.maxMessageSize ?? DEFAULT_MAX_VIEWER_FRAME_SIZE,
      1024,
    ),
    time: options.time === true || options.playback !== undefined,
    playback: options.playback,
    timeRange:
      range === undefined ? undefined : { start: toNanos(range.start), end: toNanos(range.end) },
  };
}

function atLeast(name: string, value: number, min: number): number {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new FoxgloveError(
      "ERR_CONFIGURATION",
      `${name} must be an integer ≥ ${min}, got ${value}`,
    );
  }
  return value;
}
