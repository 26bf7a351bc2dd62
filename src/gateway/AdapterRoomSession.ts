import type { IceServerConfig, LiveKitRoom, RemoteParticipantInfo } from "../livekit/index.js";
import type { RoomJoinRequest, RoomSession } from "./RoomSession.js";

/** Options shared by the joiners that reach LiveKit through the adapter. */
export interface AdapterJoinOptions {
  /** ICE servers instead of the ones the LiveKit server suggests. Default: the server's. */
  readonly iceServers?: readonly IceServerConfig[];
  /** Time allowed for one join attempt, ms. Default the adapter's (10 000). */
  readonly connectTimeoutMs?: number;
}

/**
 * The gateway's view of a LiveKit room joined through the adapter: viewers are the active remote
 * participants that `isViewer` accepts, listeners hear every change of that count, and the
 * session ends when the room disconnects or {@link end} is called.
 */
export class AdapterRoomSession implements RoomSession {
  readonly #listeners = new Set<() => void>();
  readonly #isViewer: (participant: RemoteParticipantInfo) => boolean;
  #room: LiveKitRoom | undefined;
  #beforeClose: (() => Promise<void>) | undefined;
  #endedReason: string | undefined;

  /** `isViewer` picks the participants that count as viewers. Default: every one. */
  constructor(isViewer: (participant: RemoteParticipantInfo) => boolean = () => true) {
    this.#isViewer = isViewer;
  }

  /** Room events that may change the viewer count or end the session. */
  readonly listener = {
    onParticipantActive: () => this.#changed(),
    onParticipantDisconnected: () => this.#changed(),
    onDisconnected: (reason: string) => this.end(reason),
  };

  /** Joins the requested room with this session's listener and holds it. */
  async join(
    request: RoomJoinRequest,
    signal: AbortSignal,
    options: AdapterJoinOptions,
  ): Promise<LiveKitRoom> {
    // connectRoom alone, not the adapter's index: that also loads the dev-server helpers and
    // livekit-server-sdk, about 9 MiB of RSS a device never uses.
    const { connectRoom } = await import("../livekit/connectRoom.js");
    const room = await connectRoom(request.url, request.token, {
      signal,
      listener: this.listener,
      ...(options.iceServers !== undefined ? { iceServers: options.iceServers } : {}),
      ...(options.connectTimeoutMs !== undefined
        ? { connectTimeoutMs: options.connectTimeoutMs }
        : {}),
    });
    this.#room = room;
    return room;
  }

  /** Runs `beforeClose` (e.g. stopping a session) before the room closes; reports a change. */
  attach(beforeClose?: () => Promise<void>): void {
    this.#beforeClose = beforeClose;
    this.#changed();
  }

  /** Ends the session with `reason` (the first reason wins). */
  end(reason: string): void {
    this.#endedReason ??= reason;
    this.#changed();
  }

  get viewerCount(): number {
    const room = this.#room;
    if (room === undefined || !room.connected) {
      return 0;
    }
    return room
      .remoteParticipants()
      .filter((p) => room.isParticipantActive(p.identity) && this.#isViewer(p)).length;
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
    await this.#beforeClose?.();
    await this.#room?.close();
  }

  #changed(): void {
    for (const l of [...this.#listeners]) {
      l();
    }
  }
}
