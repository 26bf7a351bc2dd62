import assert from "node:assert/strict";
import { afterEach, test } from "node:test";
import { rawImageToI420 } from "./rawImageToI420.js";
import { setSimdEnabled, simdAvailable } from "./simdToI420.js";

afterEach(() => setSimdEnabled(true));

/** Deterministic pseudo-random bytes. */
function noise(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let s = seed >>> 0;
  for (let i = 0; i < length; i++) {
    s = (s * 1664525 + 1013904223) >>> 0;
    out[i] = s >>> 24;
  }
  return out;
}

function convert(
  simd: boolean,
  image: { width: number; height: number; encoding: string; step: number; data: Uint8Array },
): Uint8Array {
  setSimdEnabled(simd);
  return rawImageToI420(image).data;
}

test("Node has WebAssembly SIMD, so the kernel is used", () => {
  assert.equal(simdAvailable(), true);
});

test("the WebAssembly kernel gives exactly the JS kernels' bytes", () => {
  const sizes: [number, number][] = [
    [16, 2],
    [32, 4],
    [47, 7],
    [64, 6],
    [82, 10],
    [1280, 8],
  ];
  let compared = 0;
  for (const encoding of ["rgb8", "bgr8", "rgba8", "bgra8"]) {
    const bpp = encoding.length === 4 ? 3 : 4;
    for (const [width, height] of sizes) {
      for (const padding of [0, 1, 4, 13]) {
        const step = width * bpp + padding;
        // Exactly step * height bytes: the kernel's reads past the last pixel stay in its memory.
        const data = noise(step * height, width * 7 + height + padding);
        const image = { width, height, encoding, step, data };
        const js = convert(false, image);
        const simd = convert(true, image);
        assert.ok(Buffer.compare(js, simd) === 0, `${encoding} ${width}x${height} pad ${padding}`);
        // The same pixels at an odd byte offset.
        const shifted = new Uint8Array(data.length + 1);
        shifted.set(data, 1);
        const view = shifted.subarray(1);
        assert.ok(Buffer.compare(convert(true, { ...image, data: view }), js) === 0);
        compared++;
      }
    }
  }
  assert.equal(compared, 4 * 6 * 4);
});

test("extreme colours (all 0, all 255, saturated primaries) match the JS kernels", () => {
  const width = 32;
  const height = 4;
  for (const fill of [
    [0, 0, 0],
    [255, 255, 255],
    [255, 0, 0],
    [0, 255, 0],
    [0, 0, 255],
    [255, 255, 0],
    [0, 255, 255],
  ]) {
    const data = new Uint8Array(width * height * 3).map((_, i) => fill[i % 3]!);
    const image = { width, height, encoding: "rgb8", step: width * 3, data };
    assert.deepEqual(convert(true, image), convert(false, image), `fill ${fill.join(",")}`);
  }
});

test("a reused output buffer is written in place, and a larger image grows the kernel's memory", () => {
  setSimdEnabled(true);
  const small = { width: 64, height: 4, encoding: "rgb8", step: 192, data: noise(768, 1) };
  const out = rawImageToI420(small);
  const again = rawImageToI420({ ...small, data: noise(768, 2) }, out);
  assert.equal(again, out);
  // 1920x1080 rgb8 needs more than the kernel's initial memory (64 KiB).
  const big = {
    width: 1920,
    height: 1080,
    encoding: "rgb8",
    step: 5760,
    data: noise(5760 * 1080, 3),
  };
  assert.ok(Buffer.compare(convert(true, big), convert(false, big)) === 0);
});

test("mono8: the WebAssembly kernel gives exactly the lookup table's bytes, every grey level", () => {
  for (const [width, height, padding] of [
    [256, 2, 0],
    [16, 16, 0],
    [37, 9, 5],
    [1280, 4, 3],
  ] as const) {
    const step = width + padding;
    const data = noise(step * height, width + height);
    if (width === 256) {
      data.forEach((_, i) => (data[i] = i % 256)); // each level 0..255
    }
    const image = { width, height, encoding: "mono8", step, data };
    const js = convert(false, image);
    assert.ok(Buffer.compare(convert(true, image), js) === 0, `${width}x${height} pad ${padding}`);
  }
});
