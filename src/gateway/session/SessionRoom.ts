import type { VideoCodecName, VideoEncoderName } from "../../livekit/index.js";
import type { VideoTrackSink } from "../../media/VideoPublisher.js";

/**
 * What the session needs from a joined LiveKit room: the subset of the adapter's `LiveKitRoom`
 * (src/livekit) it uses, kept structural so the session logic does not import the native SDK.
 */

/** A remote participant snapshot. */
export interface SessionRoomParticipant {
  readonly identity: string;
  /** Connection instance ID (`PA_…`). */
  readonly sid: string;
  /** Participant attributes, e.g. `protocolVersion`. */
  readonly attributes: Readonly<Record<string, string>>;
  /** Lifecycle state; only `active` participants can receive data. */
  readonly state: string;
  /** Join time of this connection, ms since the Unix epoch. */
  readonly joinedAtMs: number;
}

/** An outgoing byte stream (batched writes). */
export interface SessionByteStream {
  /** Resolves when LiveKit accepted the bytes; rejects when the stream failed. */
  write(chunk: Uint8Array): Promise<void>;
  /** Like {@link write} of the chunks' concatenation, without concatenating them first. */
  writeAll(chunks: readonly Uint8Array[]): Promise<void>;
  /** Sends what is queued and ends the stream; never rejects. */
  close(): Promise<void>;
}

/** An incoming byte stream from a viewer. */
export interface SessionIncomingStream extends AsyncIterable<Uint8Array> {
  readonly identity: string;
  readonly topic: string;
  /** Stops receiving. */
  cancel(): Promise<void>;
}

/** A published data track. */
export interface SessionLocalDataTrack {
  /**
   * Offers the frame `header` + `payload` to the paced sender (copied if kept): `"sent"` or
   * `"held"` when accepted.
   */
  offer(header: Uint8Array | undefined, payload: Uint8Array, userTimestamp?: bigint): string;
  /** Unpublishes (idempotent). */
  unpublish(): void;
}

/** Room events the session listens to. */
export interface SessionRoomListener {
  onParticipantActive(participant: SessionRoomParticipant): void;
  onParticipantDisconnected(participant: SessionRoomParticipant): void;
  onDisconnected(reason: string): void;
}

/** The joined room. */
export interface SessionRoom {
  /** Aborted when the room connection ends. */
  readonly signal: AbortSignal;
  remoteParticipants(): SessionRoomParticipant[];
  getParticipant(identity: string): SessionRoomParticipant | undefined;
  addListener(listener: Partial<SessionRoomListener>): Disposable;
  openByteStream(options: {
    topic: string;
    destinationIdentities: readonly string[];
  }): Promise<SessionByteStream>;
  onByteStream(
    topic: string,
    handler: (stream: SessionIncomingStream) => void | Promise<void>,
  ): Disposable;
  /** Publishes a data track; `pacing.burstGapMs` spaces bursts (see `lossyBurstGapMs`). */
  publishDataTrack(
    name: string,
    pacing?: { readonly burstGapMs?: number },
  ): Promise<SessionLocalDataTrack>;
  /** Publishes a raw-frame video track (simulcast off); width and height are hints. */
  publishVideo(
    name: string,
    options: { width: number; height: number; codec: VideoCodecName; encoder: VideoEncoderName },
  ): Promise<VideoTrackSink>;
}
