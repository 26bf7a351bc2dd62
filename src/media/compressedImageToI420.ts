import type Sharp from "sharp";
import { FoxgloveError } from "../core/FoxgloveError.js";
import type { I420Image } from "./I420Image.js";
import { rawImageToI420 } from "./rawImageToI420.js";

/** Image codecs we decode (as reported in `foxglove.videoSourceEncoding`). */
export type ImageCodec = "png" | "jpeg" | "webp";

const CODECS: Readonly<Record<string, ImageCodec>> = {
  png: "png",
  jpeg: "jpeg",
  jpg: "jpeg",
  webp: "webp",
};
const BARE = /^([a-z]+)$/;
// "<origPixFmt>; <codec> compressed [<pixFmt>]", as image_transport writes it.
const ROS = /^[^\s;]+;\s*([a-z]+) compressed(?: [^\s;]+)?$/;

/**
 * The codec a CompressedImage `format` names: a bare codec (`png`, `jpeg`/`jpg`, `webp`) or the
 * ROS form `<pixFmt>; <codec> compressed [<pixFmt>]`, trimmed and case-insensitive. Anything else
 * (`compressedDepth` payloads, `gif`, extra tokens) gives undefined.
 */
export function parseImageCodec(format: string): ImageCodec | undefined {
  const text = format.trim().toLowerCase().replace(/\s+/g, " ");
  const name = BARE.exec(text)?.[1] ?? ROS.exec(text)?.[1];
  return name !== undefined && Object.hasOwn(CODECS, name) ? CODECS[name] : undefined;
}

type SharpModule = typeof Sharp;
let sharpModule: Promise<SharpModule> | undefined;

function loadSharp(): Promise<SharpModule> {
  sharpModule ??= import("sharp").then((m) => m.default);
  return sharpModule;
}

/**
 * Decodes a PNG, JPEG or WebP image (with `sharp`, on libuv's thread pool) and converts it to
 * I420, cropping odd sizes to even. Throws FoxgloveError ERR_DECODE for an unknown `format`, data
 * that does not decode, or when `sharp` cannot be loaded on this platform; ERR_VALUE for images
 * too small or too large (see {@link rawImageToI420}).
 */
export async function compressedImageToI420(
  data: Uint8Array,
  format: string,
): Promise<{ codec: ImageCodec; image: I420Image }> {
  const codec = parseImageCodec(format);
  if (codec === undefined) {
    throw new FoxgloveError("ERR_DECODE", `unsupported compressed image format "${format}"`);
  }
  let sharp: SharpModule;
  try {
    sharp = await loadSharp();
  } catch (cause) {
    throw new FoxgloveError(
      "ERR_DECODE",
      `decoding ${codec} images needs the "sharp" package, which failed to load: ${messageOf(cause)}`,
      { cause },
    );
  }
  let rgb: { data: Buffer; info: { width: number; height: number; channels: number } };
  try {
    rgb = await sharp(data, { failOn: "error" })
      .toColourspace("srgb")
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
  } catch (cause) {
    throw new FoxgloveError("ERR_DECODE", `${codec} image does not decode: ${messageOf(cause)}`, {
      cause,
    });
  }
  const { width, height, channels } = rgb.info;
  if (channels !== 3) {
    throw new FoxgloveError(
      "ERR_DECODE",
      `${codec} image decoded to ${channels} channels, not RGB`,
    );
  }
  const image = rawImageToI420({
    width,
    height,
    encoding: "rgb8",
    step: width * 3,
    data: rgb.data,
  });
  return { codec, image };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
