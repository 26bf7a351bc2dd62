import { livekitFfiRequest, livekitRetrievePtr } from "@livekit/rtc-ffi-bindings";
import type { LocalVideoTrack, VideoSource } from "@livekit/rtc-node";
import { FoxgloveError } from "../core/FoxgloveError.js";
import { nowNanos } from "../core/time.js";
import { errorText } from "./errorText.js";
import { decodeCaptureFrameResponse, encodeCaptureFrameRequest } from "./captureFrameCodec.js";
import { packRawVideoFrame, type RawVideoFrame } from "./RawVideoFrame.js";
import { encodeHandle } from "./varint.js";

/** Timestamps are int64 on the wire. */
const MAX_TIMESTAMP_US = (1n << 63n) - 1n;

/**
 * A video track we publish, fed with raw frames that LiveKit encodes (H.264 by default). Get one
 * from {@link LiveKitRoom.publishVideo}.
 */
export class LocalVideoPublication implements AsyncDisposable {
  /** The track name, e.g. "video-ch-7". */
  readonly name: string;
  /** Server-assigned track id. */
  readonly sid: string;
  /** The varint of the video source's native handle (rtc-node's `VideoSource.ffiHandle`). */
  readonly #sourceHandle: Uint8Array;
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
    this.#sourceHandle = encodeHandle(source.ffiHandle.handle);
    this.#track = track;
    this.#unpublish = unpublish;
  }

  /** True until {@link unpublish} (or the room closed). */
  get published(): boolean {
    return this.#closing === undefined;
  }

  /**
   * Hands one raw frame to the encoder. LiveKit copies the pixels during the call, straight from
   * `frame.data` (any view, also over a SharedArrayBuffer), so the data may be reused afterwards.
   * Frames may change size. `timestampUs` (µs) must increase; it defaults to the current time and
   * is bumped by 1 µs when not increasing. Returns false (and drops the frame) after unpublish.
   * Throws FoxgloveError ERR_VALUE for a malformed frame (see {@link packRawVideoFrame}) or a
   * timestamp beyond 2^63 - 1 µs, ERR_LIVEKIT when LiveKit refuses the frame.
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
    if (ts > MAX_TIMESTAMP_US) {
      throw new FoxgloveError("ERR_VALUE", `video frame timestamp ${ts} µs is beyond int64`);
    }
    this.#lastTimestampUs = ts;
    // rtc-node's VideoFrame would take the address of the whole ArrayBuffer (ignoring byteOffset)
    // and build the request with protobuf-es; this sends the view's own address, hand-encoded.
    const request = encodeCaptureFrameRequest(
      this.#sourceHandle,
      frame.format,
      frame.width,
      frame.height,
      livekitRetrievePtr(data),
      ts,
    );
    let reply: Uint8Array;
    try {
      reply = livekitFfiRequest(request);
    } catch (cause) {
      const message = `capturing a video frame failed: ${errorText(cause)}`;
      throw new FoxgloveError("ERR_LIVEKIT", message, { cause });
    }
    decodeCaptureFrameResponse(reply);
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
