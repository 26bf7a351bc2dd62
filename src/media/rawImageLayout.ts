import type * as S from "@foxglove/schemas";
import protobuf from "protobufjs/minimal.js";
import type { Encoder } from "../core/Encoder.js";
import { RawImage, RawImageJson } from "../messages/index.js";
import { encodeRawImage } from "../messages/generated/protobufEncoders.js";
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

/** Tag of `RawImage.data` (field 6, length-delimited). */
const DATA_TAG = 0x32;
const EMPTY = new Uint8Array(0);

/**
 * The protobuf `foxglove.RawImage` encoding of `message`, logged with `encoder` (the package's
 * `RawImage` or `RawImageJson`), byte for byte what `RawImage.encode(message)` returns, laid out
 * to be written straight into conversion memory: a typed camera frame reaches the video converter
 * with one copy of its pixels and no other encoding (no protobuf buffer, no base64 for JSON).
 * Undefined for any other encoder, for `data` that is not a Uint8Array, and for a message whose
 * other fields do not encode (the usual path encodes it and reports the failure).
 */
export function rawImageLayout(
  encoder: Encoder<unknown>,
  message: unknown,
): RawImageLayout | undefined {
  if ((encoder !== RawImage && encoder !== RawImageJson) || typeof message !== "object") {
    return undefined;
  }
  const image = message as S.RawImage | null;
  const data = image?.data;
  if (image === null || !(data instanceof Uint8Array) || data.byteLength > 0xffff_ffff) {
    return undefined;
  }
  const n = data.byteLength;
  let head: Uint8Array;
  let tail: Uint8Array;
  try {
    // The encoder writes fields in number order: those before data (1-5), data (6), frame_id (7).
    const writer = protobuf.Writer.create();
    encodeRawImage({ ...image, data: EMPTY, frame_id: "" }, writer);
    if (n > 0) {
      writer.uint32(DATA_TAG).uint32(n); // data's tag and length; its bytes follow
    }
    head = writer.finish();
    const after = protobuf.Writer.create(); // finish() does not reset a writer
    encodeRawImage({ frame_id: image.frame_id } as S.RawImage, after);
    tail = after.finish();
  } catch {
    return undefined;
  }
  return {
    length: head.length + n + tail.length,
    write: (target: Uint8Array): void => {
      target.set(head);
      copyBytes(target.subarray(head.length, head.length + n), data);
      target.set(tail, head.length + n);
    },
  };
}
