import { FoxgloveError } from "../core/FoxgloveError.js";

// Inverse of the BT.709 limited-range conversion in rawImageToI420, in 16-bit fixed point:
// R = 1.164 (Y - 16) + 1.793 (V - 128), G = 1.164 (Y - 16) - 0.213 (U - 128) - 0.533 (V - 128),
// B = 1.164 (Y - 16) + 2.112 (U - 128).
const ONE = 1 << 16;
const fix = (v: number) => Math.round(v * ONE);
const KY = fix(255 / 219);
const RV = fix((255 / 224) * 1.5748);
const GU = fix((255 / 224) * ((1.8556 * 0.0722) / 0.7152));
const GV = fix((255 / 224) * ((1.5748 * 0.2126) / 0.7152));
const BU = fix((255 / 224) * 1.8556);
const HALF = ONE / 2;

const clamp = (v: number) => (v < 0 ? 0 : v > 255 ? 255 : v);

/**
 * Converts a tightly packed I420 picture (BT.709, limited range; chroma planes of
 * ceil(width/2) x ceil(height/2)) to RGBA with alpha 255. Throws FoxgloveError ERR_VALUE when
 * `data` is too short.
 */
export function i420ToRgba(data: Uint8Array, width: number, height: number): Uint8Array {
  const cw = Math.ceil(width / 2);
  const ch = Math.ceil(height / 2);
  const need = width * height + 2 * cw * ch;
  if (data.byteLength < need) {
    throw new FoxgloveError(
      "ERR_VALUE",
      `a ${width}x${height} I420 picture needs ${need} bytes, got ${data.byteLength}`,
    );
  }
  const out = new Uint8Array(width * height * 4);
  const uBase = width * height;
  const vBase = uBase + cw * ch;
  for (let y = 0; y < height; y++) {
    const crow = (y >> 1) * cw;
    let o = y * width * 4;
    for (let x = 0; x < width; x++) {
      const l = KY * (data[y * width + x]! - 16);
      const u = data[uBase + crow + (x >> 1)]! - 128;
      const v = data[vBase + crow + (x >> 1)]! - 128;
      out[o] = clamp((l + RV * v + HALF) >> 16);
      out[o + 1] = clamp((l - GU * u - GV * v + HALF) >> 16);
      out[o + 2] = clamp((l + BU * u + HALF) >> 16);
      out[o + 3] = 255;
      o += 4;
    }
  }
  return out;
}
