import assert from "node:assert/strict";
import { afterEach, test } from "node:test";
import { FrameArena, sharedWasmMemory, viewOf } from "./FrameArena.js";
import { rawImageToI420 } from "./rawImageToI420.js";
import { attachArena, setSimdEnabled, simdAvailable, simdRgbToI420 } from "./simdToI420.js";

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

test("an image too large for the kernel's memory cap is left to the JS kernels", () => {
  setSimdEnabled(true);
  // 4096x4096 rgb8: 48 MiB of pixels and 24 MiB of I420, above the 64 MiB the module may keep.
  const width = 4096;
  const height = 4096;
  const src = new Uint8Array(width * height * 3);
  const out = new Uint8Array((width * height * 3) / 2);
  const k = { y0: 1, y1: 1, y2: 1, u0: 1, u1: 1, u2: 1, v0: 1, v1: 1, v2: 1 };
  assert.equal(simdRgbToI420(src, width * 3, width, height, 3, k, 0, 0, out), 0);
  assert.equal(simdRgbToI420(src, 64 * 3, 64, 4, 3, k, 0, 0, out), 64, "a small one is done");
});

test("in an attached arena the kernel reads and writes in place: same bytes, no size cap of its own", () => {
  setSimdEnabled(true);
  const memory = sharedWasmMemory(128 << 20)!;
  const arena = new FrameArena(memory, 128 << 20);
  assert.equal(attachArena(memory), true);
  for (const encoding of ["rgb8", "bgra8", "mono8"]) {
    const bpp = encoding === "mono8" ? 1 : encoding.length === 4 ? 3 : 4;
    for (const [width, height, padding, shift] of [
      [64, 6, 0, 0],
      [82, 10, 4, 1],
      [1280, 8, 13, 3],
    ] as const) {
      const step = width * bpp + padding;
      const pixels = noise(step * height, width + height + shift);
      const image = { width, height, encoding, step, data: pixels };
      const js = convert(false, image);
      setSimdEnabled(true);
      const block = arena.alloc(pixels.length + shift + 16)!;
      const data = viewOf(memory, block.subarray(shift, shift + pixels.length));
      data.set(pixels);
      const outBlock = arena.alloc(js.length)!;
      const out = { width: width & ~1, height: height & ~1, data: viewOf(memory, outBlock) };
      assert.equal(rawImageToI420({ ...image, data }, out), out);
      assert.ok(Buffer.compare(out.data, js) === 0, `${encoding} ${width}x${height} +${shift}`);
      arena.free(block);
      arena.free(outBlock);
    }
  }
  // 4096x4096 rgb8 (48 MiB + 24 MiB of I420) is above this thread's own kernel's 64 MiB cap
  // (see the test above): done by the kernel only because it works in place.
  const width = 4096;
  const height = 4096;
  const srcBlock = arena.alloc(width * height * 3 + 16)!;
  const outBlock = arena.alloc((width * height * 3) / 2)!;
  // Views of the memory as it is now (it grew for these blocks), as the worker makes them.
  const src = viewOf(memory, srcBlock).subarray(0, width * height * 3);
  const out = viewOf(memory, outBlock);
  const k = { y0: 1, y1: 1, y2: 1, u0: 1, u1: 1, u2: 1, v0: 1, v1: 1, v2: 1 };
  assert.equal(simdRgbToI420(src, width * 3, width, height, 3, k, 0, 0, out), width);
});
