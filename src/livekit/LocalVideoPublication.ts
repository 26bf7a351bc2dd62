import {
  VideoBufferType,
  type LocalVideoTrack,
  type VideoSource,
  VideoFrame,
} from "@livekit/rtc-node";
import { nowNanos } from "../core/time.js";
import { packRawVideoFrame, type RawVideoFormat, type RawVideoFrame } from "./RawVideoFrame.js";

const BUFFER_TYPES: Record<RawVideoFormat, VideoBufferType> = {
  rgba: VideoBufferType.RGBA,
  bgra: VideoBufferType.BGRA,
  argb: VideoBufferType.ARGB,
  abgr: VideoBufferType.ABGR,
  rgb24: VideoBufferType.RGB24,
  i420: VideoBufferType.I420,
};

/**
 * A video track we publish, fed with raw frames that LiveKit encodes (H.264 by default). Get one
 * from {@link LiveKitRoom.publishVideo}.
 */
export class LocalVideoPublication implements AsyncDisposable {
  /** The track name, e.g. "video-ch-7". */
  readonly name: string;
  /** Server-assigned track id. */
  readonly sid: string;
  readonly #source: VideoSource;
  readonly #track: LocalVideoTrack;
  readonly #unpublish: () => Promise<void>;
  #closing: Promise<void> | undefined;
  #lastTimestampUs = -1n;

  /** @internal Built by LiveKitRoom. */
  constructor(
    name: string,
    sid: string,
    source: VideoSource,
    track: LocalVideoTrack,
    unpublish: () => Promise<void>,
  ) {
    this.name = name;
    this.sid = sid;
    this.#source = source;
    this.#track = track;
    this.#unpublish = unpublish;
  }

  /** True until {@link unpublish} (or the room closed). */
  get published(): boolean {
    return this.#closing === undefined;
  }

  /**
   * Hands one raw frame to the encoder (the data is copied; it may be reused afterwards). Frames may
   * change size. `timestampUs` (µs) must increase; it defaults to the current time and is bumped
   * by 1 µs when not increasing. Returns false (and drops the frame) after unpublish. Throws
   * FoxgloveError ERR_VALUE for a malformed frame (see {@link packRawVideoFrame}).
   */
  captureFrame(frame: RawVideoFrame, timestampUs?: bigint): boolean {
    const data = packRawVideoFrame(frame);
    if (this.#closing !== undefined) {
      return false;
    }
    let ts = timestampUs ?? nowNanos() / 1000n;
    if (ts <= this.#lastTimestampUs) {
      ts = this.#lastTimestampUs + 1n;
    }
    this.#lastTimestampUs = ts;
    this.#source.captureFrame(
      new VideoFrame(data, frame.width, frame.height, BUFFER_TYPES[frame.format]),
      ts,
    );
    return true;
  }

  /** Unpublishes the track and releases the encoder. Idempotent; never rejects. */
  unpublish(): Promise<void> {
    this.#closing ??= (async () => {
      await this.#unpublish();
      await this.#track.close(true).catch(() => {});
    })();
    return this.#closing;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.unpublish();
  }
}
