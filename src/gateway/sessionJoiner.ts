import { Context } from "../core/Context.js";
import type { SinkChannelFilter } from "../core/Sink.js";
import { isCompatibleProtocolVersion, PROTOCOL_VERSION_ATTRIBUTE } from "../protocol/index.js";
import { AdapterRoomSession, type AdapterJoinOptions } from "./AdapterRoomSession.js";
import type { JoinRoom, RoomJoinRequest, RoomSession } from "./RoomSession.js";
import { buildServerInfo } from "./session/buildServerInfo.js";
import type { QosClassifier } from "./session/QosProfile.js";
import { serverCapabilities, type GatewayCapability } from "./session/serverCapabilities.js";
import { Session } from "./session/Session.js";
import type { SessionListener } from "./session/SessionListener.js";

/** Options of {@link sessionJoiner}. */
export interface SessionJoinOptions extends AdapterJoinOptions {
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
  /** Largest frame a viewer may send the device, bytes. Default 1 MiB (1024 to 16 MiB). */
  readonly maxViewerFrameSize?: number;
  /** Control streams one viewer identity may have open toward the device. Default 4. */
  readonly maxControlStreamsPerViewer?: number;
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
        maxViewerFrameSize: options.maxViewerFrameSize,
        maxControlStreamsPerViewer: options.maxControlStreamsPerViewer,
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
