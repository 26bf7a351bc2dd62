import { AdapterRoomSession, type AdapterJoinOptions } from "./AdapterRoomSession.js";
import type { JoinRoom, RoomJoinRequest, RoomSession } from "./RoomSession.js";

/** Options of {@link liveKitRoomJoiner}. */
export type LiveKitJoinOptions = AdapterJoinOptions;

/**
 * A {@link JoinRoom} over the LiveKit adapter that only holds the room: viewers are the active
 * remote participants, and the session ends when the room disconnects. The full session (control
 * streams, channels) replaces it; this one serves the lifecycle on its own and in tests. The
 * adapter (and its native library) is loaded on the first wake, not at import.
 */
export function liveKitRoomJoiner(options: LiveKitJoinOptions = {}): JoinRoom {
  return async (request: RoomJoinRequest, signal: AbortSignal): Promise<RoomSession> => {
    const session = new AdapterRoomSession();
    await session.join(request, signal, options);
    session.attach();
    return session;
  };
}

/** The default {@link JoinRoom}: {@link liveKitRoomJoiner} with default options. */
export const joinLiveKitRoom: JoinRoom = liveKitRoomJoiner();
