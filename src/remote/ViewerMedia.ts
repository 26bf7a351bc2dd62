import type { Encoder } from "../core/Encoder.js";
import type { VideoInputSchema } from "../media/videoInputSchema.js";
import type { ViewerKey } from "./ViewerConnection.js";

/** Oversized messages dropped on one lossy channel since the previous report. */
export interface DropReport {
  /** Messages dropped since the last report (≥ 1). */
  readonly droppedSinceLast: number;
  /** The per-message size limit they exceeded, in bytes. */
  readonly sizeLimit: number;
  /** Size of the last dropped message, in bytes. */
  readonly lastSize?: number;
}

/**
 * The per-transport media side of the {@link ViewerHub}: Lossy channel data and video. The LiveKit
 * session implements it with one data track per Lossy channel (shared by all its subscribers) and,
 * later, video tracks; a WebSocket server with a dropping queue per client. Every method is
 * synchronous and must not throw; asynchronous work (publishing, unpublishing) runs in the
 * background.
 */
export interface ViewerMedia {
  /** A Lossy channel was advertised (LiveKit: publish its data track `data-ch-<id>`). */
  openLossy(channelId: number): void;
  /** The channel was removed: release what {@link openLossy} created. */
  closeLossy(channelId: number): void;
  /**
   * Delivers one logged message of a Lossy channel to its data subscribers (`subscribers`: keys
   * of all subscribers, video ones included; only valid during the call). Returns a drop report
   * when an oversized drop should be announced to viewers.
   */
  pushLossy(
    channelId: number,
    data: Uint8Array,
    logTime: bigint,
    subscribers: ReadonlySet<ViewerKey>,
  ): DropReport | undefined;
  /**
   * The channel got its first video subscriber: start its video publisher, which decodes the
   * channel's messages as `schema` says.
   */
  startVideo(channelId: number, schema: VideoInputSchema): void;
  /** The channel lost its last video subscriber or was removed: stop its video publisher. */
  stopVideo(channelId: number): void;
  /** Offers a message to the channel's video publisher, if one is running. */
  pushVideo(channelId: number, data: Uint8Array, logTime: bigint): void;
  /**
   * Optional: offers a message as logged, before it is encoded (see `Sink.logMessage`), to the
   * channel's video publisher. True when taken (or no publisher runs: nothing needs it); false,
   * having done nothing, when the message must come as bytes through {@link pushVideo}.
   */
  pushVideoMessage?(
    channelId: number,
    message: unknown,
    encoder: Encoder<unknown>,
    logTime: bigint,
  ): boolean;
}

/** Media that delivers nothing (Lossy messages vanish, no video): for transports without media. */
export const NO_MEDIA: ViewerMedia = {
  openLossy: () => undefined,
  closeLossy: () => undefined,
  pushLossy: () => undefined,
  startVideo: () => undefined,
  stopVideo: () => undefined,
  pushVideo: () => undefined,
};
