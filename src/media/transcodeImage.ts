import { compressedImageToI420 } from "./compressedImageToI420.js";
import { decodeImageMessage } from "./decodeImageMessage.js";
import { evenSize, type I420Image } from "./I420Image.js";
import { parseRawPixelFormat, rawImageToI420 } from "./rawImageToI420.js";
import type { VideoInputSchema } from "./videoInputSchema.js";

/** Frames smaller than this (after cropping to even) are not sent: some encoders reject them. */
export const MIN_VIDEO_SIDE = 16;

/** What a video track's source is, as advertised in the channel metadata. */
export interface VideoSourceInfo {
  /** Canonical source encoding, e.g. "rgb8", "mono16", "jpeg" (`foxglove.videoSourceEncoding`). */
  readonly sourceEncoding: string;
  /** The image frame id, "" when none (`foxglove.videoFrameId`). */
  readonly frameId: string;
}

/** The result of {@link transcodeImage}. */
export type TranscodeResult =
  | {
      readonly kind: "frame";
      readonly image: I420Image;
      /** Capture time in µs: the image's own timestamp if it has one, else the log time. */
      readonly timestampUs: bigint;
      readonly source: VideoSourceInfo;
      /**
       * Where the raw pixels start inside the message's buffer (bytes from the start of its
       * ArrayBuffer); undefined for compressed images and pixels that were not a view.
       */
      readonly pixelOffset?: number;
    }
  /** The image is smaller than {@link MIN_VIDEO_SIDE} on a side once cropped to even. */
  | { readonly kind: "tooSmall"; readonly width: number; readonly height: number };

/**
 * Turns one message of a video-capable channel into an I420 frame: extracts the image
 * ({@link decodeImageMessage}), decodes or converts it, and crops odd sizes to even. `out` is
 * reused for raw images of its size. Throws FoxgloveError ERR_DECODE (malformed message, unknown
 * encoding or format, undecodable data) or ERR_VALUE (bad sizes, short data).
 */
export async function transcodeImage(
  schema: VideoInputSchema,
  message: Uint8Array,
  logTimeNs: bigint,
  out?: I420Image,
): Promise<TranscodeResult> {
  const decoded = decodeImageMessage(schema, message);
  const timestampUs = (decoded.timestampNs ?? logTimeNs) / 1000n;
  let image: I420Image;
  let sourceEncoding: string;
  let pixelOffset: number | undefined;
  if (decoded.kind === "raw") {
    const { width, height } = evenSize(decoded.raw.width, decoded.raw.height);
    if (width < MIN_VIDEO_SIDE || height < MIN_VIDEO_SIDE) {
      return { kind: "tooSmall", width, height };
    }
    image = rawImageToI420(decoded.raw, out);
    sourceEncoding = parseRawPixelFormat(decoded.raw.encoding) ?? decoded.raw.encoding;
    if (decoded.raw.data.buffer === message.buffer) {
      pixelOffset = decoded.raw.data.byteOffset;
    }
  } else {
    const result = await compressedImageToI420(decoded.data, decoded.format);
    image = result.image;
    sourceEncoding = result.codec;
    if (image.width < MIN_VIDEO_SIDE || image.height < MIN_VIDEO_SIDE) {
      return { kind: "tooSmall", width: image.width, height: image.height };
    }
  }
  return {
    kind: "frame",
    image,
    timestampUs,
    source: { sourceEncoding, frameId: decoded.frameId },
    ...(pixelOffset === undefined ? {} : { pixelOffset }),
  };
}
