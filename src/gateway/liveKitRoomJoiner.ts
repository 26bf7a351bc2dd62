import type { IceServerConfig, LiveKitRoom } from "../livekit/index.js";
import type { JoinRoom, RoomJoinRequest, RoomSession } from "./RoomSession.js";

/** Options of {@link liveKitRoomJoiner}. */
export interface LiveKitJoinOptions {
  /** ICE servers instead of the ones the LiveKit server suggests. Default: the server's. */
  readonly iceServers?: readonly IceServerConfig[];
  /** Time allowed for one join attempt, ms. Default the adapter's (10 000). */
  readonly connectTimeoutMs?: number;
}

/**
 * A {@link JoinRoom} over the LiveKit adapter that only holds the room: viewers are the active
 * remote participants, and the session ends when the room disconnects. The full session (control
 * streams, channels) replaces it; this one serves the lifecycle on its own and in tests. The
 * adapter (and its native library) is loaded on the first wake, not at import.
 */
export function liveKitRoomJoiner(options: LiveKitJoinOptions = {}): JoinRoom {
  return async (request: RoomJoinRequest, signal: AbortSignal): Promise<RoomSession> => {
    const { connectRoom } = await import("../livekit/index.js");
    const session = new BareRoomSession();
    const room = await connectRoom(request.url, request.token, {
      signal,
      listener: session.listener,
      ...(options.iceServers !== undefined ? { iceServers: options.iceServers } : {}),
      ...(options.connectTimeoutMs !== undefined
        ? { connectTimeoutMs: options.connectTimeoutMs }
        : {}),
    });
    session.attach(room);
    return session;
  };
}

/** The default {@link JoinRoom}: {@link liveKitRoomJoiner} with default options. */
export const joinLiveKitRoom: JoinRoom = liveKitRoomJoiner();

class BareRoomSession implements RoomSession {
  readonly #listeners = new Set<() => void>();
  #room: LiveKitRoom | undefined;
  #endedReason: string | undefined;

  /** Room events that may change the viewer count or end the session. */
  readonly listener = {
    onParticipantActive: () => this.#changed(),
    onParticipantDisconnected: () => this.#changed(),
    onDisconnected: (reason: string) => {
      this.#endedReason ??= reason;
      this.#changed();
    },
  };

  attach(room: LiveKitRoom): void {
    this.#room = room;
    this.#changed();
  }

  get viewerCount(): number {
    const room = this.#room;
    if (room === undefined || !room.connected) {
      return 0;
    }
    return room.remoteParticipants().filter((p) => room.isParticipantActive(p.identity)).length;
  }

  get endedReason(): string | undefined {
    return this.#endedReason;
  }

  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.#endedReason ??= "closed";
    await this.#room?.close();
  }

  #changed(): void {
    for (const l of [...this.#listeners]) {
      l();
    }
  }
}
