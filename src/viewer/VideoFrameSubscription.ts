import { FoxgloveError } from "../core/FoxgloveError.js";
import { Feed } from "./Feed.js";
import type { ViewerChannel } from "./ViewerChannel.js";

/** Pixel layouts a video subscription can deliver. */
export type VideoFrameFormat = "i420" | "rgba";

/** Options of `Viewer.subscribe(channel, { video: true })`. */
export interface VideoSubscribeOptions {
  /** Selects the video form of {@link Viewer.subscribe}. */
  video: true;
  /**
   * Pixel layout of {@link ViewerVideoFrame.data}: "i420" (default; as decoded) or "rgba"
   * (converted with the BT.709 limited-range matrix the device encodes with).
   */
  format?: VideoFrameFormat;
  /** Frames kept while the consumer is busy (default 4); the oldest is dropped when full. */
  queueSize?: number;
  /** How long to wait for the device's video track and its first frame, ms (default 10 000). */
  timeoutMs?: number;
  /** Aborting it unsubscribes. */
  signal?: AbortSignal;
}

/** A decoded video frame of a channel. */
export interface ViewerVideoFrame {
  /** The channel the frame belongs to. */
  readonly channel: ViewerChannel;
  /** Width in pixels. */
  readonly width: number;
  /** Height in pixels. */
  readonly height: number;
  /** Timestamp the device gave the frame, in µs (its image time, else its log time). */
  readonly timestampUs: bigint;
  /** Layout of `data`. */
  readonly format: VideoFrameFormat;
  /**
   * Tightly packed pixels: I420 (Y, then U and V of ceil(width/2) x ceil(height/2)) or RGBA.
   */
  readonly data: Uint8Array;
}

/**
 * Decoded video frames of one channel, returned by `Viewer.subscribe(channel, { video: true })`.
 * Read them with `for await`. Iteration ends after {@link unsubscribe}, when the channel is
 * unadvertised, when the device leaves, or when the viewer closes; across a reset (the viewer
 * reconnected, the device restarted its session) it waits for a channel on the same topic to be
 * advertised with a video track again and carries on with it; a track the device unpublishes
 * and publishes again (for larger frames) is followed. If the device's track could not be
 * received (or did not come back within `timeoutMs`), iteration throws that error. Buffering is bounded (see
 * {@link VideoSubscribeOptions.queueSize}).
 */
export class VideoFrameSubscription extends Feed<ViewerVideoFrame> {
  /** Requested pixel layout. */
  readonly format: VideoFrameFormat;
  readonly #onUnsubscribe: (sub: VideoFrameSubscription) => void;
  #channel: ViewerChannel;

  /** @internal Created by the viewer. Throws FoxgloveError `ERR_VALUE` for bad options. */
  constructor(
    channel: ViewerChannel,
    options: VideoSubscribeOptions,
    onUnsubscribe: (sub: VideoFrameSubscription) => void,
  ) {
    super({
      queueSize: options.queueSize ?? 4,
      overflow: "dropOldest",
      callback: undefined,
      callbackName: "",
    });
    if (options.format !== undefined && options.format !== "i420" && options.format !== "rgba") {
      throw new FoxgloveError("ERR_VALUE", `unknown video frame format ${String(options.format)}`);
    }
    this.#channel = channel;
    this.format = options.format ?? "i420";
    this.#onUnsubscribe = onUnsubscribe;
  }

  /**
   * The channel whose video this is; after a reset (e.g. the viewer reconnected), the channel on
   * the same topic that was advertised again with a video track.
   */
  get channel(): ViewerChannel {
    return this.#channel;
  }

  /** @internal The channel's new advertisement now delivers to this subscription. */
  rebind(channel: ViewerChannel): void {
    this.#channel = channel;
  }

  /** The viewer releases the track when nobody else needs it. */
  protected released(): void {
    this.#onUnsubscribe(this);
  }
}
