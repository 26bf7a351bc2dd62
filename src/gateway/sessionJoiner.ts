import { isCompatibleProtocolVersion, PROTOCOL_VERSION_ATTRIBUTE } from "../protocol/index.js";
import { AdapterRoomSession, type AdapterJoinOptions } from "./AdapterRoomSession.js";
import type { JoinRoom, RoomJoinRequest, RoomSession } from "./RoomSession.js";
import {
  resolveSessionOptions,
  type SessionLimitOptions,
} from "./session/resolveSessionOptions.js";
import { Session } from "./session/Session.js";

/** Options of {@link sessionJoiner}: the LiveKit transport's own settings. */
export interface SessionJoinOptions extends AdapterJoinOptions, SessionLimitOptions {
  /** Called with each session once it runs (for inspection in tests and benchmarks). */
  readonly onSession?: ((session: Session) => void) | undefined;
}

/**
 * A {@link JoinRoom} that serves viewers: it joins the woken room through the LiveKit adapter and
 * runs a {@link Session} there for the request's viewer hub (control streams, advertisements,
 * subscriptions, Reliable and Lossy data). `startGateway` uses it unless `joinRoom` is given.
 * Throws FoxgloveError `ERR_CONFIGURATION` for invalid limits.
 */
export function sessionJoiner(options: SessionJoinOptions = {}): JoinRoom {
  const limits = resolveSessionOptions(options);
  return async (request: RoomJoinRequest, signal: AbortSignal): Promise<RoomSession> => {
    // Viewers are counted from room events, so that the gateway's idle timer stops as soon as a
    // compatible viewer is active (admission follows shortly).
    const adapter = new AdapterRoomSession((p) =>
      isCompatibleProtocolVersion(p.attributes[PROTOCOL_VERSION_ATTRIBUTE]),
    );
    const room = await adapter.join(request, signal, options);
    let session: Session;
    try {
      session = Session.start({
        room,
        hub: request.hub,
        serverName: request.serverName,
        sessionId: request.remoteAccessSessionId ?? "",
        ...limits,
      });
    } catch (error) {
      await room.close();
      throw error;
    }
    void session.done.then((end) => {
      if (end !== "stopped") {
        adapter.end(end);
      }
    });
    adapter.attach(() => session.stop());
    options.onSession?.(session);
    return adapter;
  };
}
