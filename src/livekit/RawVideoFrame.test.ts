import assert from "node:assert/strict";
import { test } from "node:test";
import { packRawVideoFrame, rawVideoFrameSize } from "./RawVideoFrame.js";

test("frame sizes follow the tightly packed layouts", () => {
  assert.equal(rawVideoFrameSize("rgba", 4, 2), 32);
  assert.equal(rawVideoFrameSize("rgb24", 4, 2), 24);
  assert.equal(rawVideoFrameSize("i420", 4, 2), 8 + 2 * 2 * 1);
  assert.equal(rawVideoFrameSize("i420", 5, 3), 15 + 2 * 3 * 2, "odd sizes round chroma up");
});

test("data at offset 0 of its buffer is passed through without copying", () => {
  const data = new Uint8Array(32);
  assert.equal(packRawVideoFrame({ data, width: 4, height: 2, format: "rgba" }), data);
});

test("views with a byteOffset are copied to a buffer of their own", () => {
  const backing = new Uint8Array(64);
  backing.fill(9, 16);
  const view = backing.subarray(16, 48);
  const packed = packRawVideoFrame({ data: view, width: 4, height: 2, format: "rgba" });
  assert.notEqual(packed.buffer, backing.buffer);
  assert.equal(packed.byteOffset, 0);
  assert.equal(packed.byteLength, 32);
  assert.ok(packed.every((b) => b === 9));
});

test("longer data is trimmed to the frame size", () => {
  const packed = packRawVideoFrame({
    data: new Uint8Array(100),
    width: 4,
    height: 2,
    format: "rgba",
  });
  assert.equal(packed.byteLength, 32);
});

test("malformed frames are rejected with ERR_VALUE", () => {
  const data = new Uint8Array(32);
  for (const bad of [
    { data, width: 0, height: 2, format: "rgba" as const },
    { data, width: 4.5, height: 2, format: "rgba" as const },
    { data, width: 4, height: 100_000, format: "rgba" as const },
    { data: new Uint8Array(31), width: 4, height: 2, format: "rgba" as const },
    { data, width: 4, height: 2, format: "yuyv" as unknown as "rgba" },
    { data: [1, 2] as unknown as Uint8Array, width: 1, height: 1, format: "rgba" as const },
  ]) {
    assert.throws(() => packRawVideoFrame(bad), { code: "ERR_VALUE" });
  }
});
