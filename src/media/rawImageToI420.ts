import { FoxgloveError } from "../core/FoxgloveError.js";
import { allocI420, evenSize, type I420Image } from "./I420Image.js";

/** Canonical names of the raw pixel formats we convert (as reported in `foxglove.videoSourceEncoding`). */
export type RawPixelFormat =
  | "rgb8"
  | "rgba8"
  | "bgr8"
  | "bgra8"
  | "mono8"
  | "mono16"
  | "32FC1"
  | "uyvy"
  | "yuyv"
  | "nv12"
  | "bayer_bggr8"
  | "bayer_gbrg8"
  | "bayer_grbg8"
  | "bayer_rggb8";

const ALIASES: Readonly<Record<string, RawPixelFormat>> = {
  rgb8: "rgb8",
  rgba8: "rgba8",
  bgr8: "bgr8",
  "8UC3": "bgr8",
  bgra8: "bgra8",
  mono8: "mono8",
  "8UC1": "mono8",
  mono16: "mono16",
  "16UC1": "mono16",
  "32FC1": "32FC1",
  yuv422: "uyvy",
  uyvy: "uyvy",
  yuv422_yuy2: "yuyv",
  yuyv: "yuyv",
  nv12: "nv12",
  bayer_bggr8: "bayer_bggr8",
  bayer_gbrg8: "bayer_gbrg8",
  bayer_grbg8: "bayer_grbg8",
  bayer_rggb8: "bayer_rggb8",
};

const BYTES_PER_PIXEL: Readonly<Record<RawPixelFormat, number>> = {
  rgb8: 3,
  rgba8: 4,
  bgr8: 3,
  bgra8: 4,
  mono8: 1,
  mono16: 2,
  "32FC1": 4,
  uyvy: 2,
  yuyv: 2,
  nv12: 1,
  bayer_bggr8: 1,
  bayer_gbrg8: 1,
  bayer_grbg8: 1,
  bayer_rggb8: 1,
};

/** The pixel format an image `encoding` string names (exact, case-sensitive), or undefined. */
export function parseRawPixelFormat(encoding: string): RawPixelFormat | undefined {
  return Object.hasOwn(ALIASES, encoding) ? ALIASES[encoding] : undefined;
}

/** An uncompressed image as found in RawImage / sensor_msgs Image messages. */
export interface RawImageInput {
  /** Width in pixels. */
  readonly width: number;
  /** Height in pixels. */
  readonly height: number;
  /** Pixel encoding string, e.g. "rgb8", "16UC1", "bayer_rggb8" (see {@link parseRawPixelFormat}). */
  readonly encoding: string;
  /** Bytes from the start of one row to the next (>= width x bytes per pixel). */
  readonly step: number;
  /** Multi-byte pixels (mono16, 32FC1) are big endian (default false: little endian). */
  readonly bigEndian?: boolean;
  /** The pixels; at least `step * height` bytes (NV12: `step * height * 3 / 2`). */
  readonly data: Uint8Array;
}

/**
 * Converts a raw image to I420 (BT.709, limited range). Odd widths and heights are cropped to even
 * (the last column / row is dropped), except for the packed 4:2:2 formats (uyvy, yuyv: width must
 * be even) and nv12 (width and height must be even), whose layouts need them. Writes into `out`
 * when it is given and has the cropped size. Throws FoxgloveError ERR_DECODE for an unknown
 * encoding and ERR_VALUE for bad sizes, a short step or too little data.
 */
export function rawImageToI420(image: RawImageInput, out?: I420Image): I420Image {
  const format = parseRawPixelFormat(image.encoding);
  if (format === undefined) {
    throw new FoxgloveError("ERR_DECODE", `unsupported raw image encoding "${image.encoding}"`);
  }
  const { width, height, step, data } = image;
  const size = evenSize(width, height);
  const bpp = BYTES_PER_PIXEL[format];
  if (!Number.isInteger(step) || step < width * bpp) {
    throw new FoxgloveError(
      "ERR_VALUE",
      `a ${width} pixel wide ${format} row needs a step of at least ${width * bpp}, got ${step}`,
    );
  }
  const packed422 = format === "uyvy" || format === "yuyv";
  if ((packed422 || format === "nv12") && width !== size.width) {
    throw new FoxgloveError("ERR_VALUE", `${format} images need an even width, got ${width}`);
  }
  if (format === "nv12" && height !== size.height) {
    throw new FoxgloveError("ERR_VALUE", `nv12 images need an even height, got ${height}`);
  }
  const need = format === "nv12" ? step * height + step * (height / 2) : step * height;
  if (data.byteLength < need) {
    throw new FoxgloveError(
      "ERR_VALUE",
      `a ${width}x${height} ${format} image with step ${step} needs ${need} bytes, got ${data.byteLength}`,
    );
  }
  const dst =
    out?.width === size.width && out.height === size.height
      ? out
      : allocI420(size.width, size.height);
  const w = size.width;
  const h = size.height;
  const be = image.bigEndian === true;
  switch (format) {
    case "rgb8":
      rgbToI420(data, step, w, h, 3, 0, 1, 2, dst.data);
      break;
    case "rgba8":
      rgbToI420(data, step, w, h, 4, 0, 1, 2, dst.data);
      break;
    case "bgr8":
      rgbToI420(data, step, w, h, 3, 2, 1, 0, dst.data);
      break;
    case "bgra8":
      rgbToI420(data, step, w, h, 4, 2, 1, 0, dst.data);
      break;
    case "mono8":
      monoToI420(data, step, w, h, (row, x) => MONO8_Y[row[x]!]!, dst.data);
      break;
    case "mono16": {
      const lut = mono16Lut();
      const hi = be ? 0 : 1;
      const lo = be ? 1 : 0;
      monoToI420(
        data,
        step,
        w,
        h,
        (row, x) => lut[(row[2 * x + hi]! << 8) | row[2 * x + lo]!]!,
        dst.data,
      );
      break;
    }
    case "32FC1":
      monoFloatToI420(data, step, w, h, !be, dst.data);
      break;
    case "uyvy":
      packed422ToI420(data, step, w, h, 1, 0, 2, dst.data);
      break;
    case "yuyv":
      packed422ToI420(data, step, w, h, 0, 1, 3, dst.data);
      break;
    case "nv12":
      nv12ToI420(data, step, w, h, dst.data);
      break;
    case "bayer_rggb8":
      bayerToI420(data, step, w, h, BAYER.rggb, dst.data);
      break;
    case "bayer_bggr8":
      bayerToI420(data, step, w, h, BAYER.bggr, dst.data);
      break;
    case "bayer_gbrg8":
      bayerToI420(data, step, w, h, BAYER.gbrg, dst.data);
      break;
    case "bayer_grbg8":
      bayerToI420(data, step, w, h, BAYER.grbg, dst.data);
      break;
  }
  return dst;
}

// BT.709 limited range in 16-bit fixed point: Y = 16 + 219/255 (Kr R + Kg G + Kb B), and
// U, V = 128 + 224/255 (B - Y') / 1.8556, (R - Y') / 1.5748 for 8-bit R, G, B.
const KR = 0.2126;
const KB = 0.0722;
const KG = 1 - KR - KB;
const ONE = 1 << 16;
const fix = (v: number) => Math.round(v * ONE);
const YR = fix((KR * 219) / 255);
const YG = fix((KG * 219) / 255);
const YB = fix((KB * 219) / 255);
const UR = fix((-KR / (2 - 2 * KB)) * (224 / 255));
const UG = fix((-KG / (2 - 2 * KB)) * (224 / 255));
const UB = fix((0.5 * 224) / 255);
const VR = UB;
const VG = fix((-KG / (2 - 2 * KR)) * (224 / 255));
const VB = fix((-KB / (2 - 2 * KR)) * (224 / 255));
const Y_OFFSET = 16 * ONE + ONE / 2;
// Chroma is computed from the sum of four pixels, hence the offset times 4 and the shift by 18.
const C_OFFSET4 = (128 * ONE + ONE / 2) * 4;

/** Packed RGB(A)/BGR(A) rows to I420; `ro`, `go`, `bo` are the byte offsets within a pixel. */
function rgbToI420(
  src: Uint8Array,
  stride: number,
  w: number,
  h: number,
  bpp: number,
  ro: number,
  go: number,
  bo: number,
  out: Uint8Array,
): void {
  const cw = w >> 1;
  const uBase = w * h;
  const vBase = uBase + cw * (h >> 1);
  for (let y = 0; y < h; y += 2) {
    let p0 = y * stride;
    let p1 = p0 + stride;
    let y0 = y * w;
    let y1 = y0 + w;
    let u = uBase + (y >> 1) * cw;
    let v = vBase + (y >> 1) * cw;
    for (let x = 0; x < cw; x++) {
      const r00 = src[p0 + ro]!;
      const g00 = src[p0 + go]!;
      const b00 = src[p0 + bo]!;
      const r01 = src[p0 + bpp + ro]!;
      const g01 = src[p0 + bpp + go]!;
      const b01 = src[p0 + bpp + bo]!;
      const r10 = src[p1 + ro]!;
      const g10 = src[p1 + go]!;
      const b10 = src[p1 + bo]!;
      const r11 = src[p1 + bpp + ro]!;
      const g11 = src[p1 + bpp + go]!;
      const b11 = src[p1 + bpp + bo]!;
      out[y0++] = (YR * r00 + YG * g00 + YB * b00 + Y_OFFSET) >> 16;
      out[y0++] = (YR * r01 + YG * g01 + YB * b01 + Y_OFFSET) >> 16;
      out[y1++] = (YR * r10 + YG * g10 + YB * b10 + Y_OFFSET) >> 16;
      out[y1++] = (YR * r11 + YG * g11 + YB * b11 + Y_OFFSET) >> 16;
      const r = r00 + r01 + r10 + r11;
      const g = g00 + g01 + g10 + g11;
      const b = b00 + b01 + b10 + b11;
      out[u++] = (UR * r + UG * g + UB * b + C_OFFSET4) >> 18;
      out[v++] = (VR * r + VG * g + VB * b + C_OFFSET4) >> 18;
      p0 += 2 * bpp;
      p1 += 2 * bpp;
    }
  }
}

/** Offsets of R, B, top-row G and bottom-row G within a 2x2 Bayer cell (0 1 / 2 3). */
interface BayerCell {
  readonly r: number;
  readonly b: number;
  readonly gTop: number;
  readonly gBottom: number;
}

const BAYER: Readonly<Record<"rggb" | "bggr" | "gbrg" | "grbg", BayerCell>> = {
  rggb: { r: 0, gTop: 1, gBottom: 2, b: 3 },
  bggr: { b: 0, gTop: 1, gBottom: 2, r: 3 },
  gbrg: { gTop: 0, b: 1, r: 2, gBottom: 3 },
  grbg: { gTop: 0, r: 1, b: 2, gBottom: 3 },
};

/**
 * Bayer mosaic to I420 with the reference's simple demosaic: each 2x2 cell's R and B fill all
 * four pixels, its top-row G the top row and its bottom-row G the bottom row.
 */
function bayerToI420(
  src: Uint8Array,
  stride: number,
  w: number,
  h: number,
  cell: BayerCell,
  out: Uint8Array,
): void {
  const at = (i: number) => (i < 2 ? i : stride + i - 2);
  const ro = at(cell.r);
  const bo = at(cell.b);
  const gt = at(cell.gTop);
  const gb = at(cell.gBottom);
  const cw = w >> 1;
  const uBase = w * h;
  const vBase = uBase + cw * (h >> 1);
  for (let y = 0; y < h; y += 2) {
    let p = y * stride;
    let y0 = y * w;
    let y1 = y0 + w;
    let u = uBase + (y >> 1) * cw;
    let v = vBase + (y >> 1) * cw;
    for (let x = 0; x < cw; x++) {
      const r = src[p + ro]!;
      const b = src[p + bo]!;
      const g0 = src[p + gt]!;
      const g1 = src[p + gb]!;
      const top = (YR * r + YG * g0 + YB * b + Y_OFFSET) >> 16;
      const bottom = (YR * r + YG * g1 + YB * b + Y_OFFSET) >> 16;
      out[y0++] = top;
      out[y0++] = top;
      out[y1++] = bottom;
      out[y1++] = bottom;
      const g = 2 * (g0 + g1);
      out[u++] = (4 * UR * r + UG * g + 4 * UB * b + C_OFFSET4) >> 18;
      out[v++] = (4 * VR * r + VG * g + 4 * VB * b + C_OFFSET4) >> 18;
      p += 2;
    }
  }
}

/** Y = round(16 + v x 219) for a grey level v in [0, 1]. */
const greyToY = (v: number) => Math.round(16 + v * 219);

const MONO8_Y = Uint8Array.from({ length: 256 }, (_, i) => greyToY(i / 255));
let mono16Y: Uint8Array | undefined;

function mono16Lut(): Uint8Array {
  mono16Y ??= Uint8Array.from({ length: 65536 }, (_, i) => greyToY(i / 65535));
  return mono16Y;
}

/** Grey rows to I420: `lumaAt(row, x)` gives the Y of pixel x of a row view; U = V = 128. */
function monoToI420(
  src: Uint8Array,
  stride: number,
  w: number,
  h: number,
  lumaAt: (row: Uint8Array, x: number) => number,
  out: Uint8Array,
): void {
  for (let y = 0; y < h; y++) {
    const row = src.subarray(y * stride, y * stride + stride);
    const o = y * w;
    for (let x = 0; x < w; x++) {
      out[o + x] = lumaAt(row, x);
    }
  }
  out.fill(128, w * h);
}

/** 32-bit float grey rows (clamped to [0, 1]; NaN is 0) to I420. */
function monoFloatToI420(
  src: Uint8Array,
  stride: number,
  w: number,
  h: number,
  littleEndian: boolean,
  out: Uint8Array,
): void {
  const view = new DataView(src.buffer, src.byteOffset, src.byteLength);
  for (let y = 0; y < h; y++) {
    const base = y * stride;
    const o = y * w;
    for (let x = 0; x < w; x++) {
      const f = view.getFloat32(base + 4 * x, littleEndian);
      out[o + x] = greyToY(f > 1 ? 1 : f > 0 ? f : 0);
    }
  }
  out.fill(128, w * h);
}

/**
 * Packed 4:2:2 (two pixels in 4 bytes) to I420: Y copied, U and V averaged over each row pair.
 * `yo` is the offset of the first Y in a macropixel (the second is at yo + 2), `uo`, `vo` of U, V.
 */
function packed422ToI420(
  src: Uint8Array,
  stride: number,
  w: number,
  h: number,
  yo: number,
  uo: number,
  vo: number,
  out: Uint8Array,
): void {
  const cw = w >> 1;
  const uBase = w * h;
  const vBase = uBase + cw * (h >> 1);
  for (let y = 0; y < h; y += 2) {
    let p0 = y * stride;
    let p1 = p0 + stride;
    let y0 = y * w;
    let y1 = y0 + w;
    let u = uBase + (y >> 1) * cw;
    let v = vBase + (y >> 1) * cw;
    for (let x = 0; x < cw; x++) {
      out[y0++] = src[p0 + yo]!;
      out[y0++] = src[p0 + yo + 2]!;
      out[y1++] = src[p1 + yo]!;
      out[y1++] = src[p1 + yo + 2]!;
      out[u++] = (src[p0 + uo]! + src[p1 + uo]! + 1) >> 1;
      out[v++] = (src[p0 + vo]! + src[p1 + vo]! + 1) >> 1;
      p0 += 4;
      p1 += 4;
    }
  }
}

/** NV12 (Y plane, then interleaved UV rows, both with `stride`) to I420. */
function nv12ToI420(src: Uint8Array, stride: number, w: number, h: number, out: Uint8Array): void {
  for (let y = 0; y < h; y++) {
    out.set(src.subarray(y * stride, y * stride + w), y * w);
  }
  const cw = w >> 1;
  const uBase = w * h;
  const vBase = uBase + cw * (h >> 1);
  for (let y = 0; y < h >> 1; y++) {
    let p = stride * h + y * stride;
    let u = uBase + y * cw;
    let v = vBase + y * cw;
    for (let x = 0; x < cw; x++) {
      out[u++] = src[p]!;
      out[v++] = src[p + 1]!;
      p += 2;
    }
  }
}
