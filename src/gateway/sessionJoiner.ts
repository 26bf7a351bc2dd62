import { Context } from "../core/Context.js";
import type { SinkChannelFilter } from "../core/Sink.js";
import { isCompatibleProtocolVersion, PROTOCOL_VERSION_ATTRIBUTE } from "../protocol/index.js";
import type { IceServerConfig, LiveKitRoom } from "../livekit/index.js";
import type { JoinRoom, RoomJoinRequest, RoomSession } from "./RoomSession.js";
import { buildServerInfo } from "./session/buildServerInfo.js";
import type { QosClassifier } from "./session/QosProfile.js";
import { serverCapabilities, type GatewayCapability } from "./session/serverCapabilities.js";
import { Session } from "./session/Session.js";
import type { SessionListener } from "./session/SessionListener.js";

/** Options of {@link sessionJoiner}. */
export interface SessionJoinOptions {
  /** Whose channels viewers see. Default `Context.default()`. */
  readonly context?: Context;
  /** Configured capabilities (expanded as the protocol says). Default none. */
  readonly capabilities?: readonly GatewayCapability[];
  /** Encodings accepted for client publish and service requests. Default none. */
  readonly supportedEncodings?: readonly string[];
  /** Extra `serverInfo.metadata` entries. Default none. */
  readonly serverInfoMetadata?: Readonly<Record<string, string>>;
  /** Viewer callbacks. Default none. */
  readonly listener?: SessionListener;
  /** Channels offered to viewers. Default all. */
  readonly channelFilter?: SinkChannelFilter;
  /** QoS per channel. Default every channel Lossy (data tracks). */
  readonly qosClassifier?: QosClassifier;
  /** Per-viewer control queue capacity in messages. Default 1024. */
  readonly messageBacklogSize?: number;
  /** Largest Lossy message in bytes. Default 102 400 (at least 1200). */
  readonly maxDataTrackMessageSize?: number;
  /** ICE servers instead of the LiveKit server's. Default the server's. */
  readonly iceServers?: readonly IceServerConfig[];
  /** Time allowed for one join attempt, ms. Default the adapter's (10 000). */
  readonly connectTimeoutMs?: number;
  /** Called with each session once it runs (e.g. to publish statuses). */
  readonly onSession?: (session: Session) => void;
}

/**
 * A {@link JoinRoom} that serves viewers: it joins the woken room through the LiveKit adapter and
 * runs the gateway {@link Session} there (control streams, advertisements, subscriptions, Reliable
 * and Lossy data). Pass it as `startGateway({ joinRoom: sessionJoiner({ context }) })`.
 * Throws FoxgloveError `ERR_CONFIGURATION` (from the first join) for invalid limits.
 */
export function sessionJoiner(options: SessionJoinOptions = {}): JoinRoom {
  const capabilities = serverCapabilities(options.capabilities ?? []);
  return async (request: RoomJoinRequest, signal: AbortSignal): Promise<RoomSession> => {
    const { connectRoom } = await import("../livekit/index.js");
    const adapter = new SessionRoomSession();
    const room = await connectRoom(request.url, request.token, {
      signal,
      listener: adapter.listener,
      ...(options.iceServers !== undefined ? { iceServers: options.iceServers } : {}),
      ...(options.connectTimeoutMs !== undefined
        ? { connectTimeoutMs: options.connectTimeoutMs }
        : {}),
    });
    let session: Session;
    try {
      session = Session.start({
        room,
        context: options.context ?? Context.default(),
        serverInfo: buildServerInfo({
          name: request.serverName,
          capabilities,
          supportedEncodings: options.supportedEncodings,
          metadata: options.serverInfoMetadata,
          sessionId: request.remoteAccessSessionId ?? "",
        }),
        listener: options.listener,
        channelFilter: options.channelFilter,
        qosClassifier: options.qosClassifier,
        messageBacklogSize: options.messageBacklogSize,
        maxDataTrackMessageSize: options.maxDataTrackMessageSize,
      });
    } catch (error) {
      await room.close();
      throw error;
    }
    adapter.attach(room, session);
    options.onSession?.(session);
    return adapter;
  };
}

/** The gateway's view of a room running a {@link Session}. */
class SessionRoomSession implements RoomSession {
  readonly #listeners = new Set<() => void>();
  #room: LiveKitRoom | undefined;
  #session: Session | undefined;
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

  attach(room: LiveKitRoom, session: Session): void {
    this.#room = room;
    this.#session = session;
    void session.done.then((end) => {
      if (end !== "stopped") {
        this.#endedReason ??= end;
        this.#changed();
      }
    });
    this.#changed();
  }

  /**
   * Active participants whose protocol version the session accepts. Counted from room events so
   * that the gateway's idle timer stops as soon as a viewer arrives (admission follows shortly).
   */
  get viewerCount(): number {
    const room = this.#room;
    if (room === undefined || !room.connected) {
      return 0;
    }
    return room
      .remoteParticipants()
      .filter(
        (p) =>
          room.isParticipantActive(p.identity) &&
          isCompatibleProtocolVersion(p.attributes[PROTOCOL_VERSION_ATTRIBUTE]),
      ).length;
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
    await this.#session?.stop();
    await this.#room?.close();
  }

  #changed(): void {
    for (const l of [...this.#listeners]) {
      l();
    }
  }
}
