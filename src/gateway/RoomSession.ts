import type { ViewerHub } from "../remote/ViewerHub.js";
import type { DeviceInfo } from "./ApiClient.js";

/** What a wake asks of the room adapter: join this LiveKit room as this device. */
export interface RoomJoinRequest {
  /** The LiveKit server URL from the wake. */
  readonly url: string;
  /** The LiveKit access token from the wake. Secret: never log it. */
  readonly token: string;
  /** The remote access session ID fixed for the gateway's life (viewers see it as `sessionId`). */
  readonly remoteAccessSessionId: string | undefined;
  /** The server name to announce: the gateway's `name` option, else the device's name. */
  readonly serverName: string;
  /** The device as the API described it. */
  readonly deviceInfo: DeviceInfo;
  /**
   * The gateway's viewer hub (channels, viewers' requests, services, statuses): a joiner that
   * serves viewers opens it for the room's life (as `sessionJoiner` does).
   */
  readonly hub: ViewerHub;
}

/**
 * A joined LiveKit room as the gateway's lifecycle sees it: how many viewers are in it, and
 * whether the room ended by itself. The session logic (control streams, data) lives behind it.
 */
export interface RoomSession {
  /** Viewers currently accepted in the room (rejected or departed participants do not count). */
  readonly viewerCount: number;
  /** Why the room ended by itself (e.g. disconnected by the server), or undefined while it runs. */
  readonly endedReason: string | undefined;
  /**
   * Calls `listener` whenever `viewerCount` or `endedReason` may have changed; returns a
   * function that removes it.
   */
  onChange(listener: () => void): () => void;
  /** Leaves the room and releases everything. Idempotent; the gateway bounds how long it waits. */
  close(): Promise<void>;
}

/**
 * Joins a room for a wake. Rejects if the join fails; must give up promptly when `signal`
 * aborts (a session that resolves anyway is closed by the gateway).
 */
export type JoinRoom = (request: RoomJoinRequest, signal: AbortSignal) => Promise<RoomSession>;
