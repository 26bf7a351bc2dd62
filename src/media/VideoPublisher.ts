import { log } from "../core/logger.js";
import { Throttler } from "../core/Throttler.js";
import type { I420Image } from "./I420Image.js";
import { I420Worker } from "./I420Worker.js";
import { transcodeImage, type TranscodeResult, type VideoSourceInfo } from "./transcodeImage.js";
import type { VideoInputSchema } from "./videoInputSchema.js";
import {
  initialVideoPublisherState,
  stepVideoPublisher,
  type VideoPublisherCommand,
  type VideoPublisherEvent,
  type VideoPublisherState,
} from "./videoPublisherState.js";

/** A published video track fed with I420 frames (e.g. LiveKit's `LocalVideoPublication`). */
export interface VideoTrackSink {
  /** Hands one frame to the encoder (copied synchronously). */
  captureFrame(
    frame: { data: Uint8Array; width: number; height: number; format: "i420" },
    timestampUs: bigint,
  ): boolean;
  /** Unpublishes the track; never rejects. */
  unpublish(): Promise<void>;
}

/** Options of {@link VideoPublisher}. */
export interface VideoPublisherOptions {
  /** How the channel's messages are decoded. */
  readonly schema: VideoInputSchema;
  /** Names the track in logs, e.g. "video-ch-7". */
  readonly name: string;
  /**
   * Publishes the track for frames of the given size (LiveKit sizes the track from it); called
   * when the first frame is converted, and again (after the previous track was unpublished) for
   * a frame larger than the track was published for.
   */
  readonly publish: (size: { width: number; height: number }) => Promise<VideoTrackSink>;
  /** Called after the first transcoded frame and whenever its source description changes. */
  readonly onSource?: (source: VideoSourceInfo) => void;
}

/** Counters of a {@link VideoPublisher}. */
export interface VideoPublisherStats {
  /** Messages handed to {@link VideoPublisher.push}. */
  readonly received: number;
  /** Frames handed to the track. */
  readonly sent: number;
  /** Messages replaced by a newer one before they were converted. */
  readonly dropped: number;
  /** Messages that did not convert (malformed, unsupported, smaller than 16x16). */
  readonly failed: number;
}

/** Timestamps (µs) of the last frame handed to a track; see {@link captureTimestamp}. */
export interface CaptureClock {
  /** The frame's own time (its image timestamp, else its log time). */
  readonly imageUs: bigint;
  /** The timestamp it was captured with. */
  readonly sentUs: bigint;
  /** Its log time. */
  readonly logUs: bigint;
}

/**
 * The capture timestamp of a frame after `prev`: its own time while that advances; when it does
 * not (an unset, zero or fixed image timestamp), the previous capture timestamp advanced by the
 * log-time step (at least 1 µs). libwebrtc paces encoding and playout by these timestamps:
 * frames 1 µs apart were mostly dropped (15 of 30 fps) and played out late.
 */
export function captureTimestamp(
  prev: CaptureClock | undefined,
  imageUs: bigint,
  logUs: bigint,
): CaptureClock {
  if (prev === undefined || (imageUs > prev.imageUs && imageUs > prev.sentUs)) {
    return { imageUs, sentUs: imageUs, logUs };
  }
  const step = logUs > prev.logUs ? logUs - prev.logUs : 1n;
  return { imageUs, sentUs: prev.sentUs + step, logUs };
}

/** Message buffers a publisher keeps for reuse: one converting, one pending. */
const MAX_SPARE = 2;

/** Warnings about frames below the minimum size: at most one per 30 s per process. */
const tooSmallWarnings = new Throttler(30_000);

/**
 * The video track of one channel while it has at least one video subscriber: publishes the track
 * once the first frame is converted (with its size; again when a larger frame comes), converts
 * the channel's messages to I420 off the `log()` path (latest frame wins, stale ones are dropped)
 * and feeds them to the track, reports the source description for the channel metadata, and
 * unpublishes on {@link close} — also when the close races the publish.
 * The decisions are in `videoPublisherState.ts`.
 */
export class VideoPublisher implements AsyncDisposable {
  readonly #options: VideoPublisherOptions;
  #state: VideoPublisherState<Uint8Array> = initialVideoPublisherState();
  #sink: VideoTrackSink | undefined;
  #last: Extract<TranscodeResult, { kind: "frame" }> | undefined;
  /** Log time of {@link #last}, µs. */
  #lastLogUs = 0n;
  #clock: CaptureClock | undefined;
  /** An I420 buffer for the next raw conversion (not {@link #last}'s, which may still be sent). */
  #spareImage: I420Image | undefined;
  /** Message buffers free for the next push (at most MAX_SPARE), see {@link push}. */
  readonly #spare: ArrayBuffer[] = [];
  /** Where a message is copied in its buffer so that its raw pixels are 4-byte aligned. */
  #shift = 0;
  #received = 0;
  #sent = 0;
  #failed = 0;
  #publishSettled: Promise<void> = Promise.resolve();
  #unpublished: Promise<void> | undefined;
  #idle: Promise<void> = Promise.resolve();
  #idleResolve: (() => void) | undefined;

  constructor(options: VideoPublisherOptions) {
    this.#options = options;
  }

  /** Counters so far. */
  get stats(): VideoPublisherStats {
    return {
      received: this.#received,
      sent: this.#sent,
      dropped: this.#state.dropped,
      failed: this.#failed,
    };
  }

  /** The track is published and not closed. */
  get live(): boolean {
    return this.#state.track === "live";
  }

  /**
   * Offers one message of the channel; its bytes are copied (the caller may reuse them). Never
   * blocks and never throws: the conversion happens later; a message still waiting is replaced.
   */
  push(message: Uint8Array, logTimeNs: bigint): void {
    if (this.#state.track === "closed") {
      return;
    }
    this.#received++;
    const before = this.#state.pending;
    this.#apply({ kind: "frame", frame: { message: this.#copy(message), logTimeNs } });
    if (before !== undefined && this.#state.pending !== before) {
      this.#release(before.message); // replaced before it was converted
    }
  }

  /**
   * Copies a message into a spare buffer (allocating only when none is large enough), at the
   * offset that 4-byte aligns its raw pixels as the previous message of the channel had them:
   * the word-wise conversion kernels then read them in place.
   */
  #copy(message: Uint8Array): Uint8Array {
    const need = message.byteLength + this.#shift;
    let buffer: ArrayBuffer | undefined;
    while (buffer === undefined && this.#spare.length > 0) {
      const spare = this.#spare.pop()!;
      if (spare.byteLength >= need) {
        buffer = spare;
      }
    }
    const view = new Uint8Array(buffer ?? new ArrayBuffer(need + 3), this.#shift, message.length);
    view.set(message);
    return view;
  }

  /** Returns a message's buffer to the spares once nothing reads it any more. */
  #release(message: Uint8Array): void {
    if (this.#spare.length < MAX_SPARE && this.#state.track !== "closed") {
      this.#spare.push(message.buffer as ArrayBuffer);
    }
  }

  /**
   * Stops converting and unpublishes the track; when the publish is still in flight, the track is
   * unpublished as soon as it lands. Resolves once the track is gone and no conversion runs.
   * Idempotent; never rejects.
   */
  close(): Promise<void> {
    this.#apply({ kind: "close" });
    this.#spare.length = 0;
    return (async () => {
      await this.#publishSettled;
      await this.#unpublished;
      await this.#idle;
    })();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #apply(event: VideoPublisherEvent<Uint8Array>): void {
    const { state, commands } = stepVideoPublisher(this.#state, event);
    this.#state = state;
    for (const command of commands) {
      this.#run(command);
    }
  }

  #run(command: VideoPublisherCommand<Uint8Array>): void {
    switch (command.kind) {
      case "convert":
        this.#convert(command.frame.message, command.frame.logTimeNs);
        break;
      case "publish":
      case "republish": {
        const size = { width: command.width, height: command.height };
        const old = command.kind === "republish" ? this.#sink : undefined;
        this.#sink = undefined;
        // A republish takes the old track down first: one track of the name at a time.
        this.#publishSettled = (old === undefined ? Promise.resolve() : old.unpublish())
          .then(() => this.#options.publish(size))
          .then(
            (sink) => {
              this.#sink = sink;
              this.#apply({ kind: "published" });
            },
            (error: unknown) => {
              log.error(`publishing video track ${this.#options.name} failed:`, error);
              this.#apply({ kind: "publishFailed" });
            },
          );
        break;
      }
      case "capture": {
        const frame = this.#last;
        if (frame === undefined || this.#sink === undefined) {
          break;
        }
        const clock = captureTimestamp(this.#clock, frame.timestampUs, this.#lastLogUs);
        if (this.#sink.captureFrame({ ...frame.image, format: "i420" }, clock.sentUs)) {
          this.#clock = clock;
          this.#sent++;
        }
        break;
      }
      case "reportSource":
        if (this.#last !== undefined) {
          try {
            this.#options.onSource?.(this.#last.source);
          } catch (error) {
            log.error(`video source callback of ${this.#options.name} threw:`, error);
          }
        }
        break;
      case "unpublish":
        this.#unpublished ??= this.#sink?.unpublish().catch(() => {});
        break;
    }
  }

  #convert(message: Uint8Array, logTimeNs: bigint): void {
    if (this.#idleResolve === undefined) {
      this.#idle = new Promise((resolve) => (this.#idleResolve = resolve));
    }
    const schema = this.#options.schema;
    const failed = (error: unknown) => {
      log.debug(`video frame of ${this.#options.name} dropped:`, error);
      this.#failed++;
      this.#done({ kind: "convertFailed" });
    };
    if (schema.image === "raw") {
      // Raw images convert in the worker thread (the message and the spare image travel there
      // and back without copies): the event loop stays free for log() and the network.
      const out = this.#spareImage;
      this.#spareImage = undefined;
      I420Worker.shared()
        .transcode(schema, message, logTimeNs, out)
        .then((done) => {
          this.#release(done.message);
          this.#converted(done.result, logTimeNs);
        }, failed);
      return;
    }
    // Compressed images decode on libuv's pool (sharp), from a later macrotask: the log() call
    // that pushed the message has long returned.
    setImmediate(() => {
      transcodeImage(schema, message, logTimeNs).then((result) => {
        this.#release(message);
        this.#converted(result, logTimeNs);
      }, failed);
    });
  }

  #converted(result: TranscodeResult, logTimeNs: bigint): void {
    if (result.kind === "tooSmall") {
      this.#failed++;
      const suppressed = tooSmallWarnings.tryAcquire();
      if (suppressed !== undefined) {
        log.warn(
          `video frame of ${this.#options.name} dropped: ${result.width}x${result.height} is below 16x16` +
            (suppressed > 0 ? ` (${suppressed} similar warnings suppressed)` : ""),
        );
      }
      this.#done({ kind: "convertFailed" });
      return;
    }
    const previous = this.#last?.image;
    this.#last = result;
    this.#lastLogUs = logTimeNs / 1000n;
    if (previous !== undefined && previous !== result.image) {
      this.#spareImage = previous;
    }
    if (result.pixelOffset !== undefined) {
      this.#shift = (this.#shift - result.pixelOffset) & 3;
    }
    this.#done({
      kind: "converted",
      source: result.source,
      width: result.image.width,
      height: result.image.height,
    });
  }

  #done(event: VideoPublisherEvent<Uint8Array>): void {
    this.#apply(event);
    if (!this.#state.converting) {
      this.#idleResolve?.();
      this.#idleResolve = undefined;
    }
  }
}
