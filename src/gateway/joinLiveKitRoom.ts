import { FoxgloveError } from "../core/FoxgloveError.js";
import type { RoomJoinRequest, RoomSession } from "./RoomSession.js";

/**
 * The default {@link JoinRoom}: joins the wake's LiveKit room as the device. Placeholder until
 * the LiveKit adapter is merged: it always fails with `ERR_LIVEKIT`.
 */
export function joinLiveKitRoom(
  _request: RoomJoinRequest,
  _signal: AbortSignal,
): Promise<RoomSession> {
  return Promise.reject(new FoxgloveError("ERR_LIVEKIT", "no LiveKit adapter is available yet"));
}
