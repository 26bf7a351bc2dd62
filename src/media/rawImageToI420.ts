import { FoxgloveError } from "../core/FoxgloveError.js";
import { allocI420, evenSize, type I420Image } from "./I420Image.js";
import { simdMono8ToY, simdRgbToI420, type RgbWeights } from "./simdToI420.js";

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
      rgbToI420(data, step, w, h, 3, RGB, dst.data);
      break;
    case "rgba8":
      rgbToI420(data, step, w, h, 4, RGB, dst.data);
      break;
    case "bgr8":
      rgbToI420(data, step, w, h, 3, BGR, dst.data);
      break;
    case "bgra8":
      rgbToI420(data, step, w, h, 4, BGR, dst.data);
      break;
    case "mono8": {
      // The WebAssembly kernel does the columns in multiples of 16, the lookup table the rest.
      const done = simdMono8ToY(data, step, w, h, MONO8_WEIGHT, Y_OFFSET, dst.data);
      monoToI420(data, step, w, h, MONO8_Y, undefined, dst.data, done);
      break;
    }
    case "mono16":
      monoToI420(data, step, w, h, mono16Lut(), be ? { hi: 0, lo: 1 } : { hi: 1, lo: 0 }, dst.data);
      break;
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

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
const RGB: RgbWeights = { y0: YR, y1: YG, y2: YB, u0: UR, u1: UG, u2: UB, v0: VR, v1: VG, v2: VB };
const BGR: RgbWeights = { y0: YB, y1: YG, y2: YR, u0: UB, u1: UG, u2: UR, v0: VB, v1: VG, v2: VR };

/**
 * Packed RGB(A)/BGR(A) rows to I420 (colour bytes first in each pixel, in the order `k` weighs
 * them). The WebAssembly SIMD kernel does columns in multiples of 16 (all of a camera's width)
 * when the runtime has it, the JS kernels the rest. In the JS kernels, when the row stride is a
 * multiple of 4, rows are read a 32-bit word at a time (about twice as fast; unaligned data is
 * copied first): 4-byte pixels always, 3-byte pixels when the width is a multiple of 4 (as camera
 * widths are; others, e.g. 1366, take the byte-wise kernel). Other strides are done byte by byte.
 */
function rgbToI420(
  src: Uint8Array,
  stride: number,
  w: number,
  h: number,
  bpp: 3 | 4,
  k: RgbWeights,
  out: Uint8Array,
): void {
  let done = simdRgbToI420(src, stride, w, h, bpp, k, Y_OFFSET, C_OFFSET4, out);
  if (done === 0 && LITTLE_ENDIAN && (stride & 3) === 0) {
    // Pixel data inside a message need not start 4-byte aligned (VideoPublisher aligns it): an
    // aligned copy (a memcpy) costs far less than the byte-wise kernel.
    const words =
      (src.byteOffset & 3) === 0
        ? new Uint32Array(src.buffer, src.byteOffset, src.byteLength >> 2)
        : alignedCopy(src, stride * h);
    if (bpp === 4) {
      done = rgb32Words(words, stride >> 2, w, h, k, out);
    } else if ((w & 3) === 0 && (out.byteOffset & 3) === 0) {
      done = rgb24Words(words, stride >> 2, w, h, k, out);
    }
  }
  if (done < w) {
    rgbBytes(src, stride, w, h, bpp, k, done, out);
  }
}

/** Largest aligned copy kept for reuse (bytes); larger images get a copy of their own. */
const KEEP_ALIGNED = 32 << 20;
let alignScratch = new Uint32Array(0);

/** The first `length` bytes of `src` (a multiple of 4) copied to 4-byte aligned memory, as words. */
function alignedCopy(src: Uint8Array, length: number): Uint32Array {
  let words = alignScratch;
  if (words.byteLength < length) {
    words = new Uint32Array(length >> 2);
    if (length <= KEEP_ALIGNED) {
      alignScratch = words;
    }
  }
  new Uint8Array(words.buffer, 0, length).set(src.subarray(0, length));
  return words.byteLength === length ? words : words.subarray(0, length >> 2);
}

/** Byte-wise kernel for columns [x0, w) (x0 even). */
function rgbBytes(
  src: Uint8Array,
  stride: number,
  w: number,
  h: number,
  bpp: number,
  k: RgbWeights,
  x0: number,
  out: Uint8Array,
): void {
  const { y0: ya, y1: yb, y2: yc, u0: ua, u1: ub, u2: uc, v0: va, v1: vb, v2: vc } = k;
  const cw = w >> 1;
  const uBase = w * h;
  const vBase = uBase + cw * (h >> 1);
  for (let y = 0; y < h; y += 2) {
    let p0 = y * stride + x0 * bpp;
    let p1 = p0 + stride;
    let o0 = y * w + x0;
    let o1 = o0 + w;
    let u = uBase + (y >> 1) * cw + (x0 >> 1);
    let v = vBase + (y >> 1) * cw + (x0 >> 1);
    for (let x = x0; x < w; x += 2) {
      const a0 = src[p0]!;
      const b0 = src[p0 + 1]!;
      const c0 = src[p0 + 2]!;
      const a1 = src[p0 + bpp]!;
      const b1 = src[p0 + bpp + 1]!;
      const c1 = src[p0 + bpp + 2]!;
      const a2 = src[p1]!;
      const b2 = src[p1 + 1]!;
      const c2 = src[p1 + 2]!;
      const a3 = src[p1 + bpp]!;
      const b3 = src[p1 + bpp + 1]!;
      const c3 = src[p1 + bpp + 2]!;
      out[o0++] = (ya * a0 + yb * b0 + yc * c0 + Y_OFFSET) >> 16;
      out[o0++] = (ya * a1 + yb * b1 + yc * c1 + Y_OFFSET) >> 16;
      out[o1++] = (ya * a2 + yb * b2 + yc * c2 + Y_OFFSET) >> 16;
      out[o1++] = (ya * a3 + yb * b3 + yc * c3 + Y_OFFSET) >> 16;
      const sa = a0 + a1 + a2 + a3;
      const sb = b0 + b1 + b2 + b3;
      const sc = c0 + c1 + c2 + c3;
      out[u++] = (ua * sa + ub * sb + uc * sc + C_OFFSET4) >> 18;
      out[v++] = (va * sa + vb * sb + vc * sc + C_OFFSET4) >> 18;
      p0 += 2 * bpp;
      p1 += 2 * bpp;
    }
  }
}

/**
 * 3-byte pixels read as words, 4 pixels (3 words) per step, for widths that are a multiple of 4
 * into a 4-byte aligned `out`: four Y and two U or V bytes per store (every row and chroma row
 * then starts aligned). Returns the columns done (all).
 */
function rgb24Words(
  words: Uint32Array,
  ws: number,
  w: number,
  h: number,
  k: RgbWeights,
  out: Uint8Array,
): number {
  const { y0: ya, y1: yb, y2: yc, u0: ua, u1: ub, u2: uc, v0: va, v1: vb, v2: vc } = k;
  const quads = w >> 2;
  const yw = new Uint32Array(out.buffer, out.byteOffset, (w * h) >> 2);
  const cw16 = new Uint16Array(out.buffer, out.byteOffset, out.byteLength >> 1);
  const cw = w >> 1;
  const uBase = w * h;
  const vBase = uBase + cw * (h >> 1);
  for (let y = 0; y < h; y += 2) {
    let p0 = y * ws;
    let p1 = p0 + ws;
    let o0 = (y * w) >> 2;
    let o1 = o0 + (w >> 2);
    let u = (uBase + (y >> 1) * cw) >> 1;
    let v = (vBase + (y >> 1) * cw) >> 1;
    for (let q = 0; q < quads; q++) {
      // Little endian: w0 = a0 b0 c0 a1, w1 = b1 c1 a2 b2, w2 = c2 a3 b3 c3.
      let w0 = words[p0]!;
      let w1 = words[p0 + 1]!;
      let w2 = words[p0 + 2]!;
      let a0 = w0 & 255;
      let b0 = (w0 >>> 8) & 255;
      let c0 = (w0 >>> 16) & 255;
      let a1 = w0 >>> 24;
      let b1 = w1 & 255;
      let c1 = (w1 >>> 8) & 255;
      let a2 = (w1 >>> 16) & 255;
      let b2 = w1 >>> 24;
      let c2 = w2 & 255;
      let a3 = (w2 >>> 8) & 255;
      let b3 = (w2 >>> 16) & 255;
      let c3 = w2 >>> 24;
      yw[o0] =
        ((ya * a0 + yb * b0 + yc * c0 + Y_OFFSET) >> 16) |
        (((ya * a1 + yb * b1 + yc * c1 + Y_OFFSET) >> 16) << 8) |
        (((ya * a2 + yb * b2 + yc * c2 + Y_OFFSET) >> 16) << 16) |
        (((ya * a3 + yb * b3 + yc * c3 + Y_OFFSET) >> 16) << 24);
      let sa = a0 + a1;
      let sb = b0 + b1;
      let sc = c0 + c1;
      let ta = a2 + a3;
      let tb = b2 + b3;
      let tc = c2 + c3;
      w0 = words[p1]!;
      w1 = words[p1 + 1]!;
      w2 = words[p1 + 2]!;
      a0 = w0 & 255;
      b0 = (w0 >>> 8) & 255;
      c0 = (w0 >>> 16) & 255;
      a1 = w0 >>> 24;
      b1 = w1 & 255;
      c1 = (w1 >>> 8) & 255;
      a2 = (w1 >>> 16) & 255;
      b2 = w1 >>> 24;
      c2 = w2 & 255;
      a3 = (w2 >>> 8) & 255;
      b3 = (w2 >>> 16) & 255;
      c3 = w2 >>> 24;
      yw[o1] =
        ((ya * a0 + yb * b0 + yc * c0 + Y_OFFSET) >> 16) |
        (((ya * a1 + yb * b1 + yc * c1 + Y_OFFSET) >> 16) << 8) |
        (((ya * a2 + yb * b2 + yc * c2 + Y_OFFSET) >> 16) << 16) |
        (((ya * a3 + yb * b3 + yc * c3 + Y_OFFSET) >> 16) << 24);
      sa += a0 + a1;
      sb += b0 + b1;
      sc += c0 + c1;
      ta += a2 + a3;
      tb += b2 + b3;
      tc += c2 + c3;
      cw16[u] =
        ((ua * sa + ub * sb + uc * sc + C_OFFSET4) >> 18) |
        (((ua * ta + ub * tb + uc * tc + C_OFFSET4) >> 18) << 8);
      cw16[v] =
        ((va * sa + vb * sb + vc * sc + C_OFFSET4) >> 18) |
        (((va * ta + vb * tb + vc * tc + C_OFFSET4) >> 18) << 8);
      p0 += 3;
      p1 += 3;
      o0++;
      o1++;
      u++;
      v++;
    }
  }
  return quads * 4;
}

/** 4-byte pixels read as words, 2 pixels per step; returns the columns done (all). */
function rgb32Words(
  words: Uint32Array,
  ws: number,
  w: number,
  h: number,
  k: RgbWeights,
  out: Uint8Array,
): number {
  const { y0: ya, y1: yb, y2: yc, u0: ua, u1: ub, u2: uc, v0: va, v1: vb, v2: vc } = k;
  const cw = w >> 1;
  const uBase = w * h;
  const vBase = uBase + cw * (h >> 1);
  for (let y = 0; y < h; y += 2) {
    let p0 = y * ws;
    let p1 = p0 + ws;
    let o0 = y * w;
    let o1 = o0 + w;
    let u = uBase + (y >> 1) * cw;
    let v = vBase + (y >> 1) * cw;
    for (let x = 0; x < cw; x++) {
      const w0 = words[p0]!;
      const w1 = words[p0 + 1]!;
      const w2 = words[p1]!;
      const w3 = words[p1 + 1]!;
      const a0 = w0 & 255;
      const b0 = (w0 >>> 8) & 255;
      const c0 = (w0 >>> 16) & 255;
      const a1 = w1 & 255;
      const b1 = (w1 >>> 8) & 255;
      const c1 = (w1 >>> 16) & 255;
      const a2 = w2 & 255;
      const b2 = (w2 >>> 8) & 255;
      const c2 = (w2 >>> 16) & 255;
      const a3 = w3 & 255;
      const b3 = (w3 >>> 8) & 255;
      const c3 = (w3 >>> 16) & 255;
      out[o0++] = (ya * a0 + yb * b0 + yc * c0 + Y_OFFSET) >> 16;
      out[o0++] = (ya * a1 + yb * b1 + yc * c1 + Y_OFFSET) >> 16;
      out[o1++] = (ya * a2 + yb * b2 + yc * c2 + Y_OFFSET) >> 16;
      out[o1++] = (ya * a3 + yb * b3 + yc * c3 + Y_OFFSET) >> 16;
      const sa = a0 + a1 + a2 + a3;
      const sb = b0 + b1 + b2 + b3;
      const sc = c0 + c1 + c2 + c3;
      out[u++] = (ua * sa + ub * sb + uc * sc + C_OFFSET4) >> 18;
      out[v++] = (va * sa + vb * sb + vc * sc + C_OFFSET4) >> 18;
      p0 += 2;
      p1 += 2;
    }
  }
  return w;
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
/** The same mapping in 16-bit fixed point, (v * MONO8_WEIGHT + Y_OFFSET) >> 16 (equal for all v). */
const MONO8_WEIGHT = fix(219 / 255);
let mono16Y: Uint8Array | undefined;

function mono16Lut(): Uint8Array {
  mono16Y ??= Uint8Array.from({ length: 65536 }, (_, i) => greyToY(i / 65535));
  return mono16Y;
}

/**
 * Grey rows to I420 through a lookup table (U = V = 128), columns [x0, w): 8-bit pixels index
 * `lut` directly; 16-bit pixels (`hi`, `lo`: byte offsets of the high and low byte) index it
 * with their value.
 */
function monoToI420(
  src: Uint8Array,
  stride: number,
  w: number,
  h: number,
  lut: Uint8Array,
  wide: { hi: number; lo: number } | undefined,
  out: Uint8Array,
  x0 = 0,
): void {
  for (let y = 0; y < h; y++) {
    let p = y * stride + x0 * (wide === undefined ? 1 : 2);
    let o = y * w + x0;
    const end = y * w + w;
    if (wide === undefined) {
      while (o < end) {
        out[o++] = lut[src[p++]!]!;
      }
    } else {
      const { hi, lo } = wide;
      while (o < end) {
        out[o++] = lut[(src[p + hi]! << 8) | src[p + lo]!]!;
        p += 2;
      }
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
