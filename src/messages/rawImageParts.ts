import type * as S from "@foxglove/schemas";
import protobuf from "protobufjs/minimal.js";
import { RAW_IMAGE_ENCODERS, type RawImageParts } from "../core/internal.js";
import { RawImage, RawImageJson } from "./generated/encoders.js";
import { encodeRawImage } from "./generated/protobufEncoders.js";

/** Tag of `RawImage.data` (field 6, length-delimited). */
const DATA_TAG = 0x32;
const EMPTY = new Uint8Array(0);

/**
 * The protobuf encoding of a typed RawImage around its pixels: `head` (fields 1-5, then data's
 * tag and length) + the pixels + `tail` (frame_id), byte for byte what `RawImage.encode` returns
 * (the generated encoder writes fields in number order).
 */
const rawImageParts: RawImageParts = (message) => {
  if (typeof message !== "object" || message === null) {
    return undefined;
  }
  const image = message as S.RawImage;
  const data = image.data as unknown;
  if (!(data instanceof Uint8Array) || data.byteLength > 0xffff_ffff) {
    return undefined;
  }
  try {
    const writer = protobuf.Writer.create();
    encodeRawImage({ ...image, data: EMPTY, frame_id: "" }, writer);
    if (data.byteLength > 0) {
      writer.uint32(DATA_TAG).uint32(data.byteLength);
    }
    const after = protobuf.Writer.create(); // finish() does not reset a writer
    encodeRawImage({ frame_id: image.frame_id } as S.RawImage, after);
    return { head: writer.finish(), data, tail: after.finish() };
  } catch {
    return undefined;
  }
};

RAW_IMAGE_ENCODERS.set(RawImage, rawImageParts);
RAW_IMAGE_ENCODERS.set(RawImageJson, rawImageParts);
