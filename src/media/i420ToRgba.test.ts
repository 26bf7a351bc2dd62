import assert from "node:assert/strict";
import { test } from "node:test";
import { i420ToRgba } from "./i420ToRgba.js";
import { rawImageToI420 } from "./rawImageToI420.js";

test("known BT.709 limited-range values decode to their RGB colours", () => {
  // Y, U, V of red, green, blue, white, black (BT.709, limited range), one 2x2 block each.
  const cases: [number[], number[]][] = [
    [
      [63, 102, 240],
      [255, 0, 0],
    ],
    [
      [173, 42, 26],
      [0, 255, 0],
    ],
    [
      [32, 240, 118],
      [0, 0, 255],
    ],
    [
      [235, 128, 128],
      [255, 255, 255],
    ],
    [
      [16, 128, 128],
      [0, 0, 0],
    ],
  ];
  for (const [[y, u, v], rgb] of cases) {
    const out = i420ToRgba(new Uint8Array([y!, y!, y!, y!, u!, v!]), 2, 2);
    for (let p = 0; p < 4; p++) {
      const got = [...out.subarray(p * 4, p * 4 + 4)];
      rgb.forEach((c, i) =>
        assert.ok(Math.abs(got[i]! - c) <= 2, `${got.join()} vs ${rgb.join()}`),
      );
      assert.equal(got[3], 255);
    }
  }
});

test("RGB -> I420 -> RGBA round-trips solid colours within 2 and handles odd sizes", () => {
  const rgb = new Uint8Array(4 * 4 * 3);
  for (let i = 0; i < rgb.length; i += 3) {
    rgb.set([200, 100, 50], i);
  }
  const i420 = rawImageToI420({ width: 4, height: 4, encoding: "rgb8", step: 12, data: rgb });
  const rgba = i420ToRgba(i420.data, 4, 4);
  for (let i = 0; i < rgba.length; i += 4) {
    [200, 100, 50].forEach((c, k) => assert.ok(Math.abs(rgba[i + k]! - c) <= 2));
  }
  // 3x3: chroma planes of 2x2.
  assert.equal(i420ToRgba(new Uint8Array(9 + 8).fill(128), 3, 3).length, 36);
  assert.throws(() => i420ToRgba(new Uint8Array(16), 3, 3), { code: "ERR_VALUE" });
});
