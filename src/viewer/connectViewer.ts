import { FoxgloveError } from "../core/FoxgloveError.js";
import { connectRoom, type IceServerConfig } from "../livekit/index.js";
import { MAX_FRAME_PAYLOAD } from "../protocol/index.js";
import { Emitter, type ListenerObject } from "./Emitter.js";
import {
  requestViewerCredentials,
  type ApiServerAccess,
  type ViewerCredentials,
} from "./requestViewerCredentials.js";
import type { ReconnectOptions } from "./reconnectPolicy.js";
import { Viewer, type ViewerRejoin } from "./Viewer.js";
import type { ViewerEvents } from "./ViewerEvents.js";

/** Direct LiveKit access: a server URL and a viewer token for the device's room. */
export interface LiveKitAccess {
  /** LiveKit server URL (ws://, wss://, http:// or https://). */
  livekitUrl: string;
  /** Viewer access token for the device's room. Secret: never logged. */
  token: string;
  /** The device's participant identity. Default: the sender of the first `control` stream. */
  deviceIdentity?: string;
}

/** Options shared by both ways of connecting. */
export interface ViewerConnectOptions {
  /** Event listeners registered before joining, so no early event is missed. */
  listener?: ListenerObject<ViewerEvents>;
  /** ICE servers instead of the LiveKit server's (e.g. loopback-only for local servers). */
  iceServers?: readonly IceServerConfig[];
  /**
   * Time allowed from the start until the device's `serverInfo` arrives, ms (default 20 000); then
   * `connectViewer` rejects with `ERR_TIMEOUT`. Covers waking a dormant device.
   */
  connectTimeoutMs?: number;
  /** Frames LiveKit buffers per data track for a busy viewer before dropping (default 64). */
  dataTrackBufferSize?: number;
  /** Largest control frame accepted from the device, bytes (default 16 MiB). */
  maxFramePayload?: number;
  /** Aborting it cancels the connection attempt (`ERR_ABORTED`) or, later, closes the viewer. */
  signal?: AbortSignal;
  /**
   * Join again by itself when this viewer loses its connection (LiveKit cut it off, e.g. after
   * its process was stopped): `true` or options (waits 0.5 s doubling to 10 s, unlimited
   * attempts). Events `disconnected` then `reconnected`; channels are learned afresh and
   * subscriptions carry on. With an API server, fresh credentials are asked for each attempt.
   * Default false: the viewer closes with reason `disconnected`.
   */
  reconnect?: boolean | ReconnectOptions;
}

/** Options of {@link connectViewer}: LiveKit credentials, or a device API server to ask for them. */
export type ConnectViewerOptions = ViewerConnectOptions & (LiveKitAccess | ApiServerAccess);

/**
 * Connects a viewer to a device: gets LiveKit credentials (given, or from the API server's viewer
 * endpoint, which wakes a dormant device), joins the room, and resolves once the device's
 * `serverInfo` has arrived on its control stream; its initial channels follow right behind (see
 * `Viewer.waitForChannel`). Rejects with FoxgloveError: `ERR_VALUE` (bad options), `ERR_API`
 * (the API server refused), `ERR_LIVEKIT` (joining failed), `ERR_PROTOCOL` (the device rejected
 * us or speaks an incompatible protocol version), `ERR_TIMEOUT`, `ERR_ABORTED`.
 */
export async function connectViewer(options: ConnectViewerOptions): Promise<Viewer> {
  const timeoutMs = options.connectTimeoutMs ?? 20_000;
  if (!(timeoutMs > 0)) {
    throw new FoxgloveError("ERR_VALUE", "connectTimeoutMs must be > 0");
  }
  const bufferSize = options.dataTrackBufferSize ?? 64;
  if (!Number.isInteger(bufferSize) || bufferSize < 1) {
    throw new FoxgloveError("ERR_VALUE", "dataTrackBufferSize must be an integer >= 1");
  }
  options.signal?.throwIfAborted();
  const deadline = AbortSignal.timeout(timeoutMs);
  const signal =
    options.signal === undefined ? deadline : AbortSignal.any([options.signal, deadline]);
  const fail = (what: string): FoxgloveError =>
    options.signal?.aborted === true
      ? new FoxgloveError("ERR_ABORTED", `connecting the viewer was aborted (${what})`)
      : new FoxgloveError(
          "ERR_TIMEOUT",
          `connecting the viewer timed out after ${timeoutMs} ms (${what})`,
        );

  let credentials: ViewerCredentials;
  if ("apiUrl" in options) {
    try {
      credentials = await requestViewerCredentials(options, signal);
    } catch (error) {
      throw signal.aborted ? fail("asking the API server") : error;
    }
  } else {
    credentials = {
      livekitUrl: options.livekitUrl,
      token: options.token,
      deviceIdentity: options.deviceIdentity ?? "",
    };
  }

  const join = (creds: ViewerCredentials, joinSignal: AbortSignal) =>
    connectRoom(creds.livekitUrl, creds.token, {
      signal: joinSignal,
      connectTimeoutMs: Math.min(10_000, timeoutMs),
      ...(options.iceServers !== undefined ? { iceServers: options.iceServers } : {}),
    });
  let room;
  try {
    room = await join(credentials, signal);
  } catch (error) {
    throw signal.aborted ? fail("joining the room") : error;
  }
  let rejoin: ViewerRejoin | undefined;
  if (options.reconnect !== undefined && options.reconnect !== false) {
    rejoin = {
      options: options.reconnect === true ? {} : options.reconnect,
      join: async (rejoinSignal) => {
        const attempt = AbortSignal.any([rejoinSignal, AbortSignal.timeout(timeoutMs)]);
        const creds =
          "apiUrl" in options ? await requestViewerCredentials(options, attempt) : credentials;
        return await join(creds, attempt);
      },
    };
  }
  const events = new Emitter<ViewerEvents>();
  if (options.listener !== undefined) {
    events.addListener(options.listener);
  }
  const viewer = new Viewer({
    room,
    deviceIdentity: credentials.deviceIdentity === "" ? undefined : credentials.deviceIdentity,
    events,
    dataTrackBufferSize: bufferSize,
    maxFramePayload: options.maxFramePayload ?? MAX_FRAME_PAYLOAD,
    signal: options.signal,
    rejoin,
  });
  const onAbort = () => void viewer.close();
  signal.addEventListener("abort", onAbort, { once: true });
  try {
    await viewer.ready;
  } catch (error) {
    await viewer.close();
    throw signal.aborted ? fail("waiting for the device") : error;
  } finally {
    signal.removeEventListener("abort", onAbort);
  }
  return viewer;
}
