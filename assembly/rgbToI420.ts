// AssemblyScript source of the WebAssembly SIMD kernel that converts packed RGB/BGR(A) rows to
// I420 (BT.709, limited range). It computes exactly what `rgbToI420` in
// src/media/rawImageToI420.ts computes (same 16-bit fixed-point weights, passed in by the caller,
// same rounding), 16 pixels of a row pair per step. Compiled by scripts/gen-wasm.ts into
// src/media/generated/i420Wasm.ts; the caller owns the memory layout (no allocator here).

/** Splats a weight to four i32 lanes. */
@inline
function w4(v: i32): v128 {
  return i32x4.splat(v);
}

/** One weighted sum (a * ka + b * kb + c * kc + offset) >> shift on four pixels. */
@inline
function weigh(
  a: v128,
  b: v128,
  c: v128,
  ka: v128,
  kb: v128,
  kc: v128,
  offset: v128,
  shift: i32,
): v128 {
  return i32x4.shr_s(
    i32x4.add(i32x4.add(i32x4.mul(a, ka), i32x4.mul(b, kb)), i32x4.add(i32x4.mul(c, kc), offset)),
    shift,
  );
}

/** Four i32x4 of values 0..255 packed into 16 bytes. */
@inline
function pack16(a: v128, b: v128, c: v128, d: v128): v128 {
  return i8x16.narrow_i16x8_u(i16x8.narrow_i32x4_u(a, b), i16x8.narrow_i32x4_u(c, d));
}

/** Sums of horizontally adjacent lanes of two i32x4 (values < 65536): four sums. */
@inline
function pairSums(a: v128, b: v128): v128 {
  return i32x4.extadd_pairwise_i16x8_u(i16x8.narrow_i32x4_u(a, b));
}

/**
 * Converts columns [0, w) (w a multiple of 16) of `h` rows (even) of `bpp`-byte pixels (3 or 4;
 * colour bytes first, in the order of the weights) at `src` (row stride `stride` bytes) into the
 * I420 planes at `dst`, `outW` pixels wide (>= w, even) and `h` high. Reads up to 4 bytes past
 * the last pixel. Weights: y* for Y (>> 16 after adding yOff), u*, v* for U, V from the sum of a
 * 2x2 block (>> 18 after adding cOff).
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
  yb: i32,
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
  const kya = w4(ya);
  const kyb = w4(yb);
  const kyc = w4(yc);
  const kua = w4(ua);
  const kub = w4(ub);
  const kuc = w4(uc);
  const kva = w4(va);
  const kvb = w4(vb);
  const kvc = w4(vc);
  const ky0 = w4(yOff);
  const kc0 = w4(cOff);
  // Byte 0, 1, 2 of each of four pixels into the low byte of an i32 lane (index 0xff gives 0).
  let ma = i8x16(0, -1, -1, -1, 3, -1, -1, -1, 6, -1, -1, -1, 9, -1, -1, -1);
  if (bpp == 4) {
    ma = i8x16(0, -1, -1, -1, 4, -1, -1, -1, 8, -1, -1, -1, 12, -1, -1, -1);
  }
  const one = i8x16.splat(1);
  const mb = i8x16.add(ma, one);
  const mc = i8x16.add(mb, one);
  // Lanes whose index byte was -1 became 0 or 1 after the adds; restore them to out of range.
  const high = i8x16(0, -1, -1, -1, 0, -1, -1, -1, 0, -1, -1, -1, 0, -1, -1, -1);
  const mbx = v128.or(mb, high);
  const mcx = v128.or(mc, high);
  const step = (bpp << 2) as usize;
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
      const ta0 = i8x16.swizzle(t, ma);
      const tb0 = i8x16.swizzle(t, mbx);
      const tc0 = i8x16.swizzle(t, mcx);
      t = v128.load(p0 + step);
      const ta1 = i8x16.swizzle(t, ma);
      const tb1 = i8x16.swizzle(t, mbx);
      const tc1 = i8x16.swizzle(t, mcx);
      t = v128.load(p0 + 2 * step);
      const ta2 = i8x16.swizzle(t, ma);
      const tb2 = i8x16.swizzle(t, mbx);
      const tc2 = i8x16.swizzle(t, mcx);
      t = v128.load(p0 + 3 * step);
      const ta3 = i8x16.swizzle(t, ma);
      const tb3 = i8x16.swizzle(t, mbx);
      const tc3 = i8x16.swizzle(t, mcx);
      v128.store(
        o0,
        pack16(
          weigh(ta0, tb0, tc0, kya, kyb, kyc, ky0, 16),
          weigh(ta1, tb1, tc1, kya, kyb, kyc, ky0, 16),
          weigh(ta2, tb2, tc2, kya, kyb, kyc, ky0, 16),
          weigh(ta3, tb3, tc3, kya, kyb, kyc, ky0, 16),
        ),
      );
      // Bottom row.
      t = v128.load(p1);
      const ba0 = i8x16.swizzle(t, ma);
      const bb0 = i8x16.swizzle(t, mbx);
      const bc0 = i8x16.swizzle(t, mcx);
      t = v128.load(p1 + step);
      const ba1 = i8x16.swizzle(t, ma);
      const bb1 = i8x16.swizzle(t, mbx);
      const bc1 = i8x16.swizzle(t, mcx);
      t = v128.load(p1 + 2 * step);
      const ba2 = i8x16.swizzle(t, ma);
      const bb2 = i8x16.swizzle(t, mbx);
      const bc2 = i8x16.swizzle(t, mcx);
      t = v128.load(p1 + 3 * step);
      const ba3 = i8x16.swizzle(t, ma);
      const bb3 = i8x16.swizzle(t, mbx);
      const bc3 = i8x16.swizzle(t, mcx);
      v128.store(
        o1,
        pack16(
          weigh(ba0, bb0, bc0, kya, kyb, kyc, ky0, 16),
          weigh(ba1, bb1, bc1, kya, kyb, kyc, ky0, 16),
          weigh(ba2, bb2, bc2, kya, kyb, kyc, ky0, 16),
          weigh(ba3, bb3, bc3, kya, kyb, kyc, ky0, 16),
        ),
      );
      // 2x2 sums of each colour byte: pixels 0-7, then 8-15.
      const sa = pairSums(i32x4.add(ta0, ba0), i32x4.add(ta1, ba1));
      const sb = pairSums(i32x4.add(tb0, bb0), i32x4.add(tb1, bb1));
      const sc = pairSums(i32x4.add(tc0, bc0), i32x4.add(tc1, bc1));
      const qa = pairSums(i32x4.add(ta2, ba2), i32x4.add(ta3, ba3));
      const qb = pairSums(i32x4.add(tb2, bb2), i32x4.add(tb3, bb3));
      const qc = pairSums(i32x4.add(tc2, bc2), i32x4.add(tc3, bc3));
      const uv = pack16(
        weigh(sa, sb, sc, kua, kub, kuc, kc0, 18),
        weigh(qa, qb, qc, kua, kub, kuc, kc0, 18),
        weigh(sa, sb, sc, kva, kvb, kvc, kc0, 18),
        weigh(qa, qb, qc, kva, kvb, kvc, kc0, 18),
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
