import assert from "node:assert/strict";

// Test oracles, independent of the code under test: the textbook BT.709 limited-range formulas in
// floating point.

/** Y, U, V (unrounded) of an 8-bit RGB colour, BT.709 limited range. */
export function yuv709(r: number, g: number, b: number): [number, number, number] {
  const y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  return [
    16 + (219 * y) / 255,
    128 + ((224 / 255) * (b - y)) / 1.8556,
    128 + ((224 / 255) * (r - y)) / 1.5748,
  ];
}

/**
 * Asserts that a tightly packed I420 picture (chroma planes of ceil(w/2) x ceil(h/2)) has the mean
 * Y, U and V of the solid colour `rgb`, within `tolerance` levels.
 */
export function assertMeanColour(
  frame: { width: number; height: number; data: Uint8Array },
  rgb: readonly [number, number, number],
  tolerance: number,
): void {
  const { width: w, height: h, data } = frame;
  const c = Math.ceil(w / 2) * Math.ceil(h / 2);
  const mean = (from: number, n: number) => {
    let sum = 0;
    for (let i = from; i < from + n; i++) {
      sum += data[i]!;
    }
    return sum / n;
  };
  const got = [mean(0, w * h), mean(w * h, c), mean(w * h + c, c)];
  const want = yuv709(...rgb);
  got.forEach((v, i) =>
    assert.ok(
      Math.abs(v - want[i]!) <= tolerance,
      `plane ${"YUV"[i]}: mean ${v.toFixed(1)}, expected ${want[i]!.toFixed(1)} ± ${tolerance}`,
    ),
  );
}
