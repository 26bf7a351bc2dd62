import type { Encoder } from "../core/Encoder.js";
import { log } from "../core/logger.js";
import { Throttler } from "../core/Throttler.js";
import { copyBytes, FrameArena } from "./FrameArena.js";
import type { I420Image } from "./I420Image.js";
import { I420Worker } from "./I420Worker.js";
import { RAW_IMAGE_PROTOBUF, rawImageLayout } from "./rawImageLayout.js";
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
   * Publishes the track for frames of the given size (LiveKit sizes the track from it); called at
   * once with {@link NOMINAL_VIDEO_SIZE}, and again (after the previous track was unpublished) for
   * a frame larger than the track was published for.
   */
  readonly publish: (size: { width: number; height: number }) => Promise<VideoTrackSink>;
  /**
   * Settles when the channel's previous publisher (if any) has unpublished its track: the track
   * is published only after it (default: at once).
   */
  readonly after?: Promise<void>;
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

/**
 * The size a track is first published for, before any frame shows the real one: LiveKit's default
 * source resolution, which the reference publishes with too. A larger frame has the track
 * published again for its size.
 */
export const NOMINAL_VIDEO_SIZE = { width: 1280, height: 720 } as const;

/** Message buffers a publisher keeps for reuse: one converting, one pending. */
const MAX_SPARE = 2;
/** Bytes after a message in its block: the WebAssembly kernels read up to 4 past the pixels. */
const SLACK = 16;

/** A message copied for conversion and the block of memory it sits in (reused once released). */
interface Held {
  readonly bytes: Uint8Array;
  /** The whole block: in the {@link FrameArena}, or all of the message's own ArrayBuffer. */
  readonly block: Uint8Array;
  /** How {@link bytes} decode: the channel's schema, or protobuf for a typed message's layout. */
  readonly schema: VideoInputSchema;
}

/** Warnings about frames below the minimum size: at most one per 30 s per process. */
const tooSmallWarnings = new Throttler(30_000);

/**
 * The video track of one channel while it has at least one video subscriber: publishes the track
 * at once (for {@link NOMINAL_VIDEO_SIZE}; again when a larger frame comes), converts
 * the channel's messages to I420 off the `log()` path (latest frame wins, stale ones are dropped)
 * and feeds them to the track, reports the source description for the channel metadata, and
 * unpublishes on {@link close} — also when the close races the publish.
 * The decisions are in `videoPublisherState.ts`.
 */
export class VideoPublisher implements AsyncDisposable {
  readonly #options: VideoPublisherOptions;
  #state: VideoPublisherState<Held> = initialVideoPublisherState();
  /** Where raw messages and their pictures live while converted (undefined: own buffers). */
  readonly #arena: FrameArena | undefined;
  #sink: VideoTrackSink | undefined;
  #last: Extract<TranscodeResult, { kind: "frame" }> | undefined;
  /** Log time of {@link #last}, µs. */
  #lastLogUs = 0n;
  #clock: CaptureClock | undefined;
  /** An I420 buffer for the next raw conversion (not {@link #last}'s, which may still be sent). */
  #spareImage: I420Image | undefined;
  /** Message blocks free for the next push (at most MAX_SPARE), see {@link push}. */
  readonly #spare: Uint8Array[] = [];
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
    this.#arena = options.schema.image === "raw" ? FrameArena.shared() : undefined;
    if (options.schema.image === "raw") {
      void I420Worker.shared().warm(); // ready before the first frame comes
    }
    // Published now (spec §7.5), so that the first frames do not wait for it.
    this.#apply({ kind: "start", ...NOMINAL_VIDEO_SIZE });
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
    const held = this.#hold(message.byteLength, this.#options.schema, (bytes) =>
      copyBytes(bytes, message),
    );
    this.#offer(held, logTimeNs);
  }

  /**
   * Offers one message as it was logged, before encoding (see `Sink.logMessage`): a
   * `foxglove.RawImage` of the package's encoders on a raw-image channel is laid out in conversion
   * memory with one copy of its pixels and no other encoding. Returns true when taken (or when
   * closed: nothing to do), false, having done nothing, for any other message (push its bytes).
   * Never throws.
   */
  pushMessage(message: unknown, encoder: Encoder<unknown>, logTimeNs: bigint): boolean {
    if (this.#state.track === "closed") {
      return true;
    }
    const layout =
      this.#options.schema.image === "raw" ? rawImageLayout(encoder, message) : undefined;
    if (layout === undefined) {
      return false;
    }
    this.#offer(this.#hold(layout.length, RAW_IMAGE_PROTOBUF, layout.write), logTimeNs);
    return true;
  }

  #offer(held: Held, logTimeNs: bigint): void {
    this.#received++;
    const before = this.#state.pending;
    this.#apply({ kind: "frame", frame: { message: held, logTimeNs } });
    if (before !== undefined && this.#state.pending !== before) {
      this.#release(before.message); // replaced before it was converted
    }
  }

  /**
   * Writes a message of `length` bytes (`write` fills them) into a spare block (allocating, in
   * the arena when it has room, only when none is large enough), at the offset that 4-byte aligns
   * its raw pixels as the previous message of the channel had them, so that the JS word kernels
   * read them in place (the WebAssembly ones read at any alignment).
   */
  #hold(length: number, schema: VideoInputSchema, write: (bytes: Uint8Array) => void): Held {
    const shift = this.#shift;
    const need = length + shift + SLACK;
    let block: Uint8Array | undefined;
    while (block === undefined && this.#spare.length > 0) {
      const spare = this.#spare.pop()!;
      if (spare.byteLength >= need) {
        block = spare;
      } else {
        this.#free(spare);
      }
    }
    block ??= this.#arena?.alloc(need + 7) ?? new Uint8Array(need + 7);
    const bytes = block.subarray(shift, shift + length);
    write(bytes);
    return { bytes, block, schema };
  }

  /** Returns a message's block to the spares once nothing reads it any more. */
  #release(held: Held): void {
    if (this.#spare.length < MAX_SPARE && this.#state.track !== "closed") {
      this.#spare.push(held.block);
    } else {
      this.#free(held.block);
    }
  }

  /** Gives a block (of a message or a picture) back to the arena if it came from there. */
  #free(block: Uint8Array | undefined): void {
    if (block !== undefined && FrameArena.holds(block)) {
      this.#arena?.free(block);
    }
  }

  /**
   * Stops converting and unpublishes the track; when the publish is still in flight, the track is
   * unpublished as soon as it lands. Resolves once the track is gone and no conversion runs.
   * Idempotent; never rejects.
   */
  close(): Promise<void> {
    const pending = this.#state.pending;
    this.#apply({ kind: "close" });
    if (pending !== undefined) {
      this.#release(pending.message); // dropped unconverted
    }
    return (async () => {
      await this.#publishSettled;
      await this.#unpublished;
      await this.#idle;
      // Nothing converts or captures any more: the blocks go back to the arena.
      for (const block of this.#spare.splice(0)) this.#free(block);
      this.#free(this.#spareImage?.data);
      this.#free(this.#last?.image.data);
      this.#spareImage = undefined;
    })();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #apply(event: VideoPublisherEvent<Held>): void {
    const { state, commands } = stepVideoPublisher(this.#state, event);
    this.#state = state;
    for (const command of commands) {
      this.#run(command);
    }
  }

  #run(command: VideoPublisherCommand<Held>): void {
    switch (command.kind) {
      case "convert":
        this.#convert(command.frame.message, command.frame.logTimeNs);
        break;
      case "publish":
      case "republish": {
        const size = { width: command.width, height: command.height };
        const old = command.kind === "republish" ? this.#sink : undefined;
        this.#sink = undefined;
        // A republish takes the old track down first, and the first publish waits for the
        // channel's previous publisher to be gone: one track of the name at a time.
        this.#publishSettled = (
          old === undefined ? (this.#options.after ?? Promise.resolve()) : old.unpublish()
        )
          .then(() =>
            this.#state.track === "closed" && old === undefined
              ? undefined // closed while waiting its turn: nothing to publish
              : this.#options.publish(size),
          )
          .then(
            (sink) => {
              if (sink === undefined) return;
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

  #convert(held: Held, logTimeNs: bigint): void {
    if (this.#idleResolve === undefined) {
      this.#idle = new Promise((resolve) => (this.#idleResolve = resolve));
    }
    const schema = held.schema;
    const failed = (error: unknown) => {
      log.debug(`video frame of ${this.#options.name} dropped:`, error);
      this.#failed++;
      this.#done({ kind: "convertFailed" });
    };
    if (schema.image === "raw") {
      // Raw images convert in the worker thread (the message and the spare image are shared with
      // it in the arena, else travel there and back without copies): the event loop stays free
      // for log() and the network.
      const out = this.#spareImage;
      this.#spareImage = undefined;
      I420Worker.shared()
        .transcode(schema, held.bytes, logTimeNs, out)
        .then(
          (done) => {
            // A transferred message comes back in its buffer; an arena block never left.
            const back = FrameArena.holds(held.block)
              ? held
              : { bytes: done.message, block: new Uint8Array(done.message.buffer), schema };
            this.#release(back);
            if (out !== undefined && done.result.kind === "frame") {
              const image = done.result.image.data;
              if (!FrameArena.holds(image) || image.byteOffset !== out.data.byteOffset) {
                this.#free(out.data); // the frame had another size: the worker made its own
              }
            } else {
              this.#spareImage = out;
            }
            this.#converted(done.result, logTimeNs);
          },
          (error: unknown) => {
            if (FrameArena.holds(held.block)) this.#release(held);
            this.#spareImage ??= out;
            failed(error);
          },
        );
      return;
    }
    // Compressed images decode on libuv's pool (sharp), from a later macrotask: the log() call
    // that pushed the message has long returned.
    setImmediate(() => {
      transcodeImage(schema, held.bytes, logTimeNs).then((result) => {
        this.#release(held);
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
      this.#free(this.#spareImage?.data);
      this.#spareImage = previous;
    }
    this.#spareImageFor(result.image);
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

  /**
   * Makes the spare picture an arena block of `image`'s size when the arena has room: the next
   * frame of the size is then written in place by the worker's kernel.
   */
  #spareImageFor(image: I420Image): void {
    const arena = this.#arena;
    const spare = this.#spareImage;
    if (
      arena === undefined ||
      this.#state.track === "closed" ||
      (spare !== undefined &&
        FrameArena.holds(spare.data) &&
        spare.width === image.width &&
        spare.height === image.height)
    ) {
      return;
    }
    const data = arena.alloc(image.data.byteLength);
    if (data !== undefined) {
      this.#free(spare?.data);
      this.#spareImage = { width: image.width, height: image.height, data };
    }
  }

  #done(event: VideoPublisherEvent<Held>): void {
    this.#apply(event);
    if (!this.#state.converting) {
      this.#idleResolve?.();
      this.#idleResolve = undefined;
    }
  }
}
