import { VideoBufferType, VideoStream, type RemoteVideoTrack } from "@livekit/rtc-node";
import { log } from "../core/logger.js";
import { AsyncQueue } from "../core/async/AsyncQueue.js";

/** A decoded picture received on a remote video track. */
export interface DecodedVideoFrame {
  /** Width in pixels. */
  readonly width: number;
  /** Height in pixels. */
  readonly height: number;
  /** Pixel layout of `data`, usually "i420" (LiveKit's buffer type name, lower case). */
  readonly format: string;
  /** Tightly packed pixel data. */
  readonly data: Uint8Array;
  /** The frame's capture timestamp in µs, as set by the publisher. */
  readonly timestampUs: bigint;
}

/**
 * Decoded frames of a subscribed remote video track, read with `for await`. Frames are decoded as
 * they arrive; when the consumer falls behind, the oldest queued frames are dropped (counted in
 * {@link framesDropped}). Iteration ends when the track goes away or {@link close} is called.
 */
export class VideoSubscription implements AsyncIterable<DecodedVideoFrame>, AsyncDisposable {
  /** Identity of the publisher. */
  readonly participantIdentity: string;
  /** The track name. */
  readonly trackName: string;
  /** Server-assigned id of the track (a track published again under the name gets a new one). */
  readonly trackSid: string;
  readonly #queue: AsyncQueue<DecodedVideoFrame>;
  readonly #reader: ReadableStreamDefaultReader<{
    frame: { width: number; height: number; type: VideoBufferType; data: Uint8Array };
    timestampUs: bigint;
  }>;
  readonly #onClose: () => void;
  #received = 0;
  #closing: Promise<void> | undefined;

  /** @internal Use {@link LiveKitRoom.subscribeVideo}. */
  constructor(
    track: RemoteVideoTrack,
    participantIdentity: string,
    trackName: string,
    queueSize: number,
    onClose: () => void,
  ) {
    this.participantIdentity = participantIdentity;
    this.trackName = trackName;
    this.trackSid = track.sid ?? "";
    this.#onClose = onClose;
    this.#queue = new AsyncQueue(queueSize, "dropOldest");
    this.#reader = new VideoStream(track).getReader();
    void this.#pump();
  }

  /** Frames decoded so far. */
  get framesReceived(): number {
    return this.#received;
  }

  /** Frames dropped because the consumer was too slow. */
  get framesDropped(): number {
    return this.#queue.dropped;
  }

  /** Stops receiving and releases the decoder stream. Idempotent; never rejects. */
  close(): Promise<void> {
    this.#queue.clear();
    return this.#finish();
  }

  /**
   * @internal The track was unpublished (its stream may take seconds to end by itself): frames
   * already queued are still read, then iteration ends.
   */
  trackEnded(): Promise<void> {
    return this.#finish();
  }

  #finish(): Promise<void> {
    this.#closing ??= (async () => {
      try {
        await this.#reader.cancel();
      } catch (error) {
        log.debug("closing video stream failed:", error);
      }
      this.#onClose();
    })();
    return this.#closing;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  [Symbol.asyncIterator](): AsyncIterator<DecodedVideoFrame> {
    return {
      next: () => this.#queue.next(),
      return: async () => {
        await this.close();
        return { done: true, value: undefined };
      },
    };
  }

  async #pump(): Promise<void> {
    try {
      for (;;) {
        const { done, value } = await this.#reader.read();
        if (done) {
          break;
        }
        this.#received += 1;
        const { frame } = value;
        this.#queue.push({
          width: frame.width,
          height: frame.height,
          format: (VideoBufferType[frame.type] ?? "unknown").toLowerCase(),
          data: frame.data,
          timestampUs: value.timestampUs,
        });
      }
      this.#queue.end();
    } catch (error) {
      log.debug("video stream ended with an error:", error);
      this.#queue.end();
    }
  }
}
