import { FoxgloveError } from "../core/FoxgloveError.js";

/**
 * A planar YUV 4:2:0 picture (BT.709, limited range) with even width and height: `data` holds the
 * Y plane (width x height), then U and V (width/2 x height/2 each), tightly packed.
 */
export interface I420Image {
  /** Width in pixels (even, >= 2). */
  readonly width: number;
  /** Height in pixels (even, >= 2). */
  readonly height: number;
  /** Y, U, V planes back to back; exactly `width * height * 3 / 2` bytes. */
  readonly data: Uint8Array;
}

/** Largest width or height accepted for an image (pixels). */
export const MAX_IMAGE_DIMENSION = 16_384;

/**
 * The even size an image of `width` x `height` is cropped to (the last odd column and row are
 * dropped). Throws FoxgloveError ERR_VALUE when either side is not a whole number from 1 to
 * {@link MAX_IMAGE_DIMENSION}, or when cropping leaves nothing (a side of 1).
 */
export function evenSize(width: number, height: number): { width: number; height: number } {
  for (const n of [width, height]) {
    if (!Number.isInteger(n) || n < 1 || n > MAX_IMAGE_DIMENSION) {
      throw new FoxgloveError(
        "ERR_VALUE",
        `image size must be whole numbers from 1 to ${MAX_IMAGE_DIMENSION}, got ${width}x${height}`,
      );
    }
  }
  const even = { width: width & ~1, height: height & ~1 };
  if (even.width === 0 || even.height === 0) {
    throw new FoxgloveError(
      "ERR_VALUE",
      `a ${width}x${height} image is empty once cropped to even`,
    );
  }
  return even;
}

/** A zeroed I420 image of the given even size. */
export function allocI420(width: number, height: number): I420Image {
  return { width, height, data: new Uint8Array((width * height * 3) / 2) };
}
