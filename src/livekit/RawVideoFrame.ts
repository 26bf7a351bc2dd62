import { FoxgloveError } from "../core/FoxgloveError.js";

/**
 * Pixel layouts accepted for publishing. Packed RGB formats are tightly packed (stride = width *
 * bytes per pixel); "i420" is planar Y, U, V with chroma planes of ceil(width/2) x ceil(height/2).
 */
export type RawVideoFormat = "rgba" | "bgra" | "argb" | "abgr" | "rgb24" | "i420";

/** One uncompressed picture. */
export interface RawVideoFrame {
  /** Pixel data in `format`; may be a view (any byteOffset) and longer than needed. */
  readonly data: Uint8Array;
  /** Width in pixels (>= 1). */
  readonly width: number;
  /** Height in pixels (>= 1). */
  readonly height: number;
  /** Pixel layout of `data`. */
  readonly format: RawVideoFormat;
}

const MAX_DIMENSION = 16_384;
const FORMATS: ReadonlySet<string> = new Set(["rgba", "bgra", "argb", "abgr", "rgb24", "i420"]);

/** Bytes a tightly packed frame of this format and size occupies. */
export function rawVideoFrameSize(format: RawVideoFormat, width: number, height: number): number {
  switch (format) {
    case "rgba":
    case "bgra":
    case "argb":
    case "abgr":
      return width * height * 4;
    case "rgb24":
      return width * height * 3;
    case "i420":
      return width * height + 2 * Math.ceil(width / 2) * Math.ceil(height / 2);
  }
}

/**
 * Checks a frame and returns its pixel data without copying: `data` itself, or a view of its first
 * {@link rawVideoFrameSize} bytes when it is longer. Views at any byteOffset and over a
 * SharedArrayBuffer (e.g. a shared WebAssembly.Memory) are fine: the capture reads from the view.
 * Throws FoxgloveError ERR_VALUE for a bad size, format or too little data.
 */
export function packRawVideoFrame(frame: RawVideoFrame): Uint8Array {
  const { width, height, format, data } = frame;
  if (!isDimension(width) || !isDimension(height)) {
    throw new FoxgloveError(
      "ERR_VALUE",
      `video frame size must be whole numbers from 1 to ${MAX_DIMENSION}, got ${width}x${height}`,
    );
  }
  if (!(data instanceof Uint8Array)) {
    throw new FoxgloveError("ERR_VALUE", "video frame data must be a Uint8Array");
  }
  if (!FORMATS.has(format)) {
    throw new FoxgloveError("ERR_VALUE", `unsupported video frame format ${String(format)}`);
  }
  const need = rawVideoFrameSize(format, width, height);
  if (data.byteLength < need) {
    throw new FoxgloveError(
      "ERR_VALUE",
      `a ${width}x${height} ${format} frame needs ${need} bytes, got ${data.byteLength}`,
    );
  }
  return data.byteLength === need ? data : data.subarray(0, need);
}

function isDimension(n: number): boolean {
  return Number.isInteger(n) && n >= 1 && n <= MAX_DIMENSION;
}
