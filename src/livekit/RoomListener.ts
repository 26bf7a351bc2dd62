import type { RemoteDataTrack } from "./RemoteDataTrack.js";
import type { RemoteParticipantInfo } from "./RemoteParticipantInfo.js";

/** A video track published by another participant. */
export interface RemoteVideoTrackInfo {
  /** Server-assigned track id. */
  readonly sid: string;
  /** The track name, e.g. "video-ch-7". */
  readonly name: string;
  /** Identity of the publisher. */
  readonly participantIdentity: string;
}

/**
 * Room events. Pass an object with any of these methods to `connectRoom({ listener })` or
 * {@link LiveKitRoom.addListener}. Every call is guarded: a throwing method (or a rejected promise
 * it returns) is logged and never disturbs the room or other listeners. For participants and tracks
 * already in the room at connect time, the connected/active/published events are delivered
 * right after `connectRoom` resolves (in a later turn), before any newer event.
 */
export interface RoomListener {
  /** Another participant joined the room (it cannot receive data until active). */
  onParticipantConnected(participant: RemoteParticipantInfo): void | Promise<void>;
  /**
   * A participant became able to receive data (LiveKit's ParticipantActive). Fires once per
   * connection instance, also for participants that were already active when we joined.
   */
  onParticipantActive(participant: RemoteParticipantInfo): void | Promise<void>;
  /** A participant left, or was replaced by a newer connection with the same identity. */
  onParticipantDisconnected(participant: RemoteParticipantInfo): void | Promise<void>;
  /** A data track was published by another participant; subscribe with `track.subscribe()`. */
  onDataTrackPublished(track: RemoteDataTrack): void | Promise<void>;
  /** A remote data track was unpublished; its subscriptions end. */
  onDataTrackUnpublished(track: RemoteDataTrack): void | Promise<void>;
  /** A video track was published by another participant; subscribe with `subscribeVideo`. */
  onVideoTrackPublished(track: RemoteVideoTrackInfo): void | Promise<void>;
  /** A remote video track was unpublished. */
  onVideoTrackUnpublished(track: RemoteVideoTrackInfo): void | Promise<void>;
  /** The connection dropped and LiveKit is trying to resume it. */
  onReconnecting(): void | Promise<void>;
  /** The connection was re-established after {@link onReconnecting}. */
  onReconnected(): void | Promise<void>;
  /** The room connection ended, for good (reason e.g. "CLIENT_INITIATED", "SERVER_SHUTDOWN"). */
  onDisconnected(reason: string): void | Promise<void>;
}
