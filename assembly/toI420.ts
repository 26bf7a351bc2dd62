// AssemblyScript source of the WebAssembly SIMD kernels that convert packed RGB/BGR(A) rows
// (rgbToI420) and 8-bit grey rows (mono8ToY) to I420 (BT.709, limited range). They compute
// exactly what the JS kernels of src/media/rawImageToI420.ts compute (same 16-bit fixed-point
// weights, passed in by the caller, same rounding), 16 pixels (of a row pair) per step. Compiled
// by scripts/gen-wasm.ts into src/media/generated/i420Wasm.ts; the caller owns the memory layout
// (no allocator here).
//
// RGB pixels are spread into 16-bit lanes as pairs (a, b) and (c, b) of their colour bytes, so that
// one i32x4.dot_i16x8_s weighs two bytes of four pixels. The middle byte's weight (green's, up
// to 40 254) may not fit 16 bits: it is split between the two pairs (b1 + b2).

/** Two 16-bit weights, repeated over the eight lanes. */
@inline
function pair(lo: i32, hi: i32): v128 {
  return i32x4.splat((lo & 0xffff) | (hi << 16));
}

/** Y of four pixels from their (a, b) and (c, b) lanes. */
@inline
function luma(ab: v128, cb: v128, kab: v128, kcb: v128, offset: v128): v128 {
  return i32x4.shr_s(
    i32x4.add(i32x4.add(i32x4.dot_i16x8_s(ab, kab), i32x4.dot_i16x8_s(cb, kcb)), offset),
    16,
  );
}

/** U or V of four 2x2 blocks from the blocks' (a, b) and (c, b) sums. */
@inline
function chroma(ab: v128, cb: v128, kab: v128, kc: v128, offset: v128): v128 {
  return i32x4.shr_s(
    i32x4.add(i32x4.add(i32x4.dot_i16x8_s(ab, kab), i32x4.dot_i16x8_s(cb, kc)), offset),
    18,
  );
}

/** Four i32x4 of values 0..255 packed into 16 bytes. */
@inline
function pack16(a: v128, b: v128, c: v128, d: v128): v128 {
  return i8x16.narrow_i16x8_u(i16x8.narrow_i32x4_u(a, b), i16x8.narrow_i32x4_u(c, d));
}

/**
 * Horizontal sums of the 2x2 blocks of eight pixels from the vertical sums of their pairs
 * (x = pixels 0-3, y = pixels 4-7, 32-bit lanes of one pixel's pair each): lanes 0+1, 2+3, ...
 */
@inline
function blockSums(x: v128, y: v128): v128 {
  return i16x8.add(
    i8x16.shuffle(x, y, 0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19, 24, 25, 26, 27),
    i8x16.shuffle(x, y, 4, 5, 6, 7, 12, 13, 14, 15, 20, 21, 22, 23, 28, 29, 30, 31),
  );
}

/**
 * Converts columns [0, w) (w a multiple of 16) of `h` rows (even) of `bpp`-byte pixels (3 or 4;
 * colour bytes first, in the order of the weights) at `src` (row stride `stride` bytes) into the
 * I420 planes at `dst`, `outW` pixels wide (>= w, even) and `h` high. Reads up to 4 bytes past
 * the last pixel. Weights: ya, yb1 + yb2, yc for Y (>> 16 after adding yOff; each of them and of
 * the chroma weights within 16 bits signed), u*, v* for U, V from the sum of a 2x2 block (>> 18
 * after adding cOff).
 */
export function rgbToI420(
  src: usize,
  stride: i32,
  w: i32,
  h: i32,
  bpp: i32,
  dst: usize,
  outW: i32,
  ya: i32,
  yb1: i32,
  yb2: i32,
  yc: i32,
  ua: i32,
  ub: i32,
  uc: i32,
  va: i32,
  vb: i32,
  vc: i32,
  yOff: i32,
  cOff: i32,
): void {
  // Masks that spread bytes (a, b) and (c, b) of four pixels into 16-bit lanes (-1 gives 0). They
  // are constants of each variant: V8 swizzles by a constant mask in one instruction, by a
  // variable one in three (0.67 -> 0.61 ms per 1280x720 rgb8 frame).
  if (bpp == 4) {
    rgbRows(src, stride, w, h, 16, dst, outW, ya, yb1, yb2, yc, ua, ub, uc, va, vb, vc, yOff, cOff,
      i8x16(0, -1, 1, -1, 4, -1, 5, -1, 8, -1, 9, -1, 12, -1, 13, -1),
      i8x16(2, -1, 1, -1, 6, -1, 5, -1, 10, -1, 9, -1, 14, -1, 13, -1));
  } else {
    rgbRows(src, stride, w, h, 12, dst, outW, ya, yb1, yb2, yc, ua, ub, uc, va, vb, vc, yOff, cOff,
      i8x16(0, -1, 1, -1, 3, -1, 4, -1, 6, -1, 7, -1, 9, -1, 10, -1),
      i8x16(2, -1, 1, -1, 5, -1, 4, -1, 8, -1, 7, -1, 11, -1, 10, -1));
  }
}

/** The loop of {@link rgbToI420} for `step`-byte groups of four pixels and the given byte masks. */
@inline
function rgbRows(
  src: usize,
  stride: i32,
  w: i32,
  h: i32,
  step: usize,
  dst: usize,
  outW: i32,
  ya: i32,
  yb1: i32,
  yb2: i32,
  yc: i32,
  ua: i32,
  ub: i32,
  uc: i32,
  va: i32,
  vb: i32,
  vc: i32,
  yOff: i32,
  cOff: i32,
  mab: v128,
  mcb: v128,
): void {
  const kyab = pair(ya, yb1);
  const kycb = pair(yc, yb2);
  const kuab = pair(ua, ub);
  const kuc = pair(uc, 0);
  const kvab = pair(va, vb);
  const kvc = pair(vc, 0);
  const ky0 = i32x4.splat(yOff);
  const kc0 = i32x4.splat(cOff);
  const cw = outW >> 1;
  const uBase = dst + <usize>outW * <usize>h;
  const vBase = uBase + <usize>cw * <usize>(h >> 1);
  for (let y = 0; y < h; y += 2) {
    let p0 = src + <usize>y * <usize>stride;
    let p1 = p0 + <usize>stride;
    let o0 = dst + <usize>y * <usize>outW;
    let o1 = o0 + <usize>outW;
    let u = uBase + <usize>(y >> 1) * <usize>cw;
    let v = vBase + <usize>(y >> 1) * <usize>cw;
    for (let x = 0; x < w; x += 16) {
      // Top row: four groups of four pixels.
      let t = v128.load(p0);
      const tab0 = i8x16.swizzle(t, mab);
      const tcb0 = i8x16.swizzle(t, mcb);
      t = v128.load(p0 + step);
      const tab1 = i8x16.swizzle(t, mab);
      const tcb1 = i8x16.swizzle(t, mcb);
      t = v128.load(p0 + 2 * step);
      const tab2 = i8x16.swizzle(t, mab);
      const tcb2 = i8x16.swizzle(t, mcb);
      t = v128.load(p0 + 3 * step);
      const tab3 = i8x16.swizzle(t, mab);
      const tcb3 = i8x16.swizzle(t, mcb);
      v128.store(
        o0,
        pack16(
          luma(tab0, tcb0, kyab, kycb, ky0),
          luma(tab1, tcb1, kyab, kycb, ky0),
          luma(tab2, tcb2, kyab, kycb, ky0),
          luma(tab3, tcb3, kyab, kycb, ky0),
        ),
      );
      // Bottom row.
      t = v128.load(p1);
      const bab0 = i8x16.swizzle(t, mab);
      const bcb0 = i8x16.swizzle(t, mcb);
      t = v128.load(p1 + step);
      const bab1 = i8x16.swizzle(t, mab);
      const bcb1 = i8x16.swizzle(t, mcb);
      t = v128.load(p1 + 2 * step);
      const bab2 = i8x16.swizzle(t, mab);
      const bcb2 = i8x16.swizzle(t, mcb);
      t = v128.load(p1 + 3 * step);
      const bab3 = i8x16.swizzle(t, mab);
      const bcb3 = i8x16.swizzle(t, mcb);
      v128.store(
        o1,
        pack16(
          luma(bab0, bcb0, kyab, kycb, ky0),
          luma(bab1, bcb1, kyab, kycb, ky0),
          luma(bab2, bcb2, kyab, kycb, ky0),
          luma(bab3, bcb3, kyab, kycb, ky0),
        ),
      );
      // 2x2 block sums (at most 1020) of the (a, b) and (c, b) pairs: blocks 0-3, then 4-7.
      const sab = blockSums(i16x8.add(tab0, bab0), i16x8.add(tab1, bab1));
      const scb = blockSums(i16x8.add(tcb0, bcb0), i16x8.add(tcb1, bcb1));
      const qab = blockSums(i16x8.add(tab2, bab2), i16x8.add(tab3, bab3));
      const qcb = blockSums(i16x8.add(tcb2, bcb2), i16x8.add(tcb3, bcb3));
      const uv = pack16(
        chroma(sab, scb, kuab, kuc, kc0),
        chroma(qab, qcb, kuab, kuc, kc0),
        chroma(sab, scb, kvab, kvc, kc0),
        chroma(qab, qcb, kvab, kvc, kc0),
      );
      v128.store64_lane(u, uv, 0);
      v128.store64_lane(v, uv, 1);
      p0 += 4 * step;
      p1 += 4 * step;
      o0 += 16;
      o1 += 16;
      u += 8;
      v += 8;
    }
  }
}

/**
 * Converts columns [0, w) (w a multiple of 16) of `h` rows of 8-bit grey pixels at `src` (row
 * stride `stride` bytes) into the Y plane at `dst`, `outW` pixels wide: Y = (v * (k1 + k2) +
 * yOff) >> 16, the weight split in two 16-bit halves.
 */
export function mono8ToY(
  src: usize,
  stride: i32,
  w: i32,
  h: i32,
  dst: usize,
  outW: i32,
  k1: i32,
  k2: i32,
  yOff: i32,
): void {
  const kk = pair(k1, k2);
  const ko = i32x4.splat(yOff);
  // Each pixel twice into a pair of 16-bit lanes: pixels 0-3, 4-7, 8-11, 12-15.
  const m0 = i8x16(0, -1, 0, -1, 1, -1, 1, -1, 2, -1, 2, -1, 3, -1, 3, -1);
  const m1 = i8x16(4, -1, 4, -1, 5, -1, 5, -1, 6, -1, 6, -1, 7, -1, 7, -1);
  const m2 = i8x16(8, -1, 8, -1, 9, -1, 9, -1, 10, -1, 10, -1, 11, -1, 11, -1);
  const m3 = i8x16(12, -1, 12, -1, 13, -1, 13, -1, 14, -1, 14, -1, 15, -1, 15, -1);
  for (let y = 0; y < h; y++) {
    let p = src + <usize>y * <usize>stride;
    let o = dst + <usize>y * <usize>outW;
    for (let x = 0; x < w; x += 16) {
      const t = v128.load(p);
      v128.store(
        o,
        pack16(
          i32x4.shr_s(i32x4.add(i32x4.dot_i16x8_s(i8x16.swizzle(t, m0), kk), ko), 16),
          i32x4.shr_s(i32x4.add(i32x4.dot_i16x8_s(i8x16.swizzle(t, m1), kk), ko), 16),
          i32x4.shr_s(i32x4.add(i32x4.dot_i16x8_s(i8x16.swizzle(t, m2), kk), ko), 16),
          i32x4.shr_s(i32x4.add(i32x4.dot_i16x8_s(i8x16.swizzle(t, m3), kk), ko), 16),
        ),
      );
      p += 16;
      o += 16;
    }
  }
}
