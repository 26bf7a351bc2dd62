import {
  ContinualGatheringPolicy,
  IceServer,
  IceTransportType,
  Room,
  type RoomOptions,
} from "@livekit/rtc-node";
import { FoxgloveError } from "../core/FoxgloveError.js";
import { LiveKitRoom } from "./LiveKitRoom.js";
import { guardRoomEvents } from "./guardRoomEvents.js";
import { acquireNative } from "./native.js";
import { errorText } from "./errorText.js";
import type { RoomListener } from "./RoomListener.js";

/** An ICE (STUN/TURN) server, e.g. `{ urls: ["stun:127.0.0.1:7882"] }`. */
export interface IceServerConfig {
  urls: string[];
  username?: string;
  credential?: string;
}

/** Options of {@link connectRoom}. */
export interface ConnectOptions {
  /** Receives the room's events from the start (see {@link RoomListener}). */
  listener?: Partial<RoomListener>;
  /**
   * ICE servers to use instead of the ones the LiveKit server suggests (a non-empty list replaces
   * them). Default: the server's list. Pass a local address to keep ICE gathering off the internet.
   */
  iceServers?: readonly IceServerConfig[];
  /** Time allowed for one join attempt, ms (default 10 000). */
  connectTimeoutMs?: number;
  /** Extra join attempts after a failed one (default 1). */
  joinRetries?: number;
  /** Subscribe to every remote video track automatically (default false; data tracks never are). */
  autoSubscribeVideo?: boolean;
  /** Largest incoming byte stream accepted, in bytes (default LiveKit's 5 GB). */
  maxIncomingStreamBytes?: number;
  /** Leaving the room in {@link LiveKitRoom.close} is logged as slow after this long, ms (default 5 000). */
  closeTimeoutMs?: number;
  /** Aborting cancels the join (rejects with ERR_ABORTED). */
  signal?: AbortSignal;
}

/**
 * Joins the LiveKit room that `token` grants access to on the server at `url` (ws://, wss://,
 * http:// or https://). Rejects with FoxgloveError ERR_VALUE for a malformed url or token,
 * ERR_LIVEKIT when the join fails, ERR_TIMEOUT when it takes too long and ERR_ABORTED when
 * `signal` aborts. The token never appears in errors or logs.
 */
export async function connectRoom(
  url: string,
  token: string,
  options: ConnectOptions = {},
): Promise<LiveKitRoom> {
  if (typeof url !== "string" || !/^(wss?|https?):\/\/[^\s]+$/i.test(url)) {
    throw new FoxgloveError(
      "ERR_VALUE",
      "LiveKit url must be a ws://, wss://, http:// or https:// URL",
    );
  }
  if (typeof token !== "string" || token.trim() === "") {
    throw new FoxgloveError("ERR_VALUE", "LiveKit token must be a non-empty string");
  }
  const timeoutMs = options.connectTimeoutMs ?? 10_000;
  const joinRetries = options.joinRetries ?? 1;
  if (!(timeoutMs > 0) || !Number.isInteger(joinRetries) || joinRetries < 0) {
    throw new FoxgloveError(
      "ERR_VALUE",
      "connectTimeoutMs must be > 0 and joinRetries an integer >= 0",
    );
  }
  options.signal?.throwIfAborted();

  const release = await acquireNative();
  const room = new Room();
  guardRoomEvents(room);
  const roomOptions = {
    autoSubscribe: options.autoSubscribeVideo ?? false,
    dynacast: false,
    ...(options.iceServers !== undefined && options.iceServers.length > 0
      ? {
          rtcConfig: {
            iceTransportType: IceTransportType.TRANSPORT_ALL,
            continualGatheringPolicy: ContinualGatheringPolicy.GATHER_CONTINUALLY,
            iceServers: options.iceServers.map(
              (s) =>
                new IceServer({ urls: [...s.urls], username: s.username, password: s.credential }),
            ),
          },
        }
      : {}),
    ...(options.maxIncomingStreamBytes !== undefined
      ? { dataStream: { maxPayloadByteLength: options.maxIncomingStreamBytes } }
      : {}),
    // Not in rtc-node's RoomOptions type, but passed through to the FFI's RoomOptions.
    connectTimeoutMs: BigInt(Math.ceil(timeoutMs)),
    joinRetries,
  } as RoomOptions;

  const joining = room.connect(url, token, roomOptions);
  const budgetMs = timeoutMs * (joinRetries + 1) + 2_000;
  try {
    await settleWithin(joining, budgetMs, options.signal);
  } catch (error) {
    // The native join may still complete: leave and release once it settles.
    joining
      .then(
        () => room.disconnect(),
        () => undefined,
      )
      .catch(() => undefined)
      .finally(release);
    if (error instanceof FoxgloveError) {
      throw error;
    }
    throw new FoxgloveError(
      "ERR_LIVEKIT",
      `joining the LiveKit room at ${url} failed: ${errorText(error, token)}`,
    );
  }
  const handle = (room as unknown as { ffiHandle?: { handle: bigint } }).ffiHandle?.handle;
  if (handle === undefined) {
    release();
    throw new FoxgloveError("ERR_LIVEKIT", "rtc-node did not expose the room handle");
  }
  return new LiveKitRoom({
    room,
    roomHandle: handle,
    release,
    listener: options.listener,
    autoSubscribe: options.autoSubscribeVideo ?? false,
    closeTimeoutMs: options.closeTimeoutMs ?? 5_000,
  });
}

/** Resolves/rejects like `promise`, or rejects with ERR_TIMEOUT / ERR_ABORTED first. */
async function settleWithin<T>(promise: Promise<T>, ms: number, signal?: AbortSignal): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () =>
            reject(
              new FoxgloveError("ERR_TIMEOUT", `joining the LiveKit room timed out after ${ms} ms`),
            ),
          ms,
        );
        onAbort = () =>
          reject(new FoxgloveError("ERR_ABORTED", "joining the LiveKit room was aborted"));
        signal?.addEventListener("abort", onAbort, { once: true });
      }),
    ]);
  } finally {
    clearTimeout(timer);
    if (onAbort !== undefined) {
      signal?.removeEventListener("abort", onAbort);
    }
  }
}
