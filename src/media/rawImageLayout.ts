import type { Encoder } from "../core/Encoder.js";
import { RAW_IMAGE_ENCODERS } from "../core/internal.js";
import { copyBytes } from "./FrameArena.js";
import type { VideoInputSchema } from "./videoInputSchema.js";

/** A typed image laid out as its protobuf encoding, to be written into memory of the caller's. */
export interface RawImageLayout {
  /** Bytes of the encoding. */
  readonly length: number;
  /** Writes the encoding into `target` ({@link length} bytes): the pixels are copied once. */
  readonly write: (target: Uint8Array) => void;
}

/** How a {@link RawImageLayout} decodes. */
export const RAW_IMAGE_PROTOBUF: VideoInputSchema = Object.freeze({
  decoder: "protobuf",
  image: "raw",
});

/**
 * The protobuf `foxglove.RawImage` encoding of `message`, logged with `encoder` (the package's
 * `RawImage` or `RawImageJson` from `foxglove-remote/messages`), byte for byte what
 * `RawImage.encode(message)` returns, laid out to be written straight into conversion memory: a
 * typed camera frame reaches the video converter with one copy of its pixels and no other encoding
 * (no protobuf buffer, no base64 for JSON). Undefined for any other encoder, for `data` that is not
 * a Uint8Array, and for a message whose other fields do not encode (the usual path encodes it and
 * reports the failure). The gateway does not load the encoders: they register themselves.
 */
export function rawImageLayout(
  encoder: Encoder<unknown>,
  message: unknown,
): RawImageLayout | undefined {
  const parts = RAW_IMAGE_ENCODERS.get(encoder)?.(message);
  if (parts === undefined) {
    return undefined;
  }
  const { head, data, tail } = parts;
  const end = head.length + data.byteLength;
  return {
    length: end + tail.length,
    write: (target: Uint8Array): void => {
      target.set(head);
      copyBytes(target.subarray(head.length, end), data);
      target.set(tail, end);
    },
  };
}
