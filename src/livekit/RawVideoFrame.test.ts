import assert from "node:assert/strict";
import { test } from "node:test";
import { packRawVideoFrame, rawVideoFrameSize } from "./RawVideoFrame.js";

/** The part of the WebAssembly API used here (the project's lib settings do not declare it). */
const wasm = (
  globalThis as unknown as {
    WebAssembly: {
      Memory: new (d: { initial: number; maximum: number; shared: true }) => {
        readonly buffer: SharedArrayBuffer;
      };
    };
  }
).WebAssembly;

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

test("views at any byteOffset and over a SharedArrayBuffer are returned, not copied", () => {
  const backing = new Uint8Array(64);
  const view = backing.subarray(16, 48);
  const packed = packRawVideoFrame({ data: view, width: 4, height: 2, format: "rgba" });
  assert.equal(packed, view);

  const memory = new wasm.Memory({ initial: 1, maximum: 1, shared: true });
  const shared = new Uint8Array(memory.buffer, 1001, 100);
  const trimmed = packRawVideoFrame({ data: shared, width: 4, height: 2, format: "i420" });
  assert.equal(trimmed.buffer, memory.buffer, "a view of the same shared memory");
  assert.equal(trimmed.byteOffset, 1001);
  assert.equal(trimmed.byteLength, rawVideoFrameSize("i420", 4, 2));
});

test("longer data is trimmed to the frame size, in place", () => {
  const data = new Uint8Array(100);
  const packed = packRawVideoFrame({ data, width: 4, height: 2, format: "rgba" });
  assert.equal(packed.buffer, data.buffer);
  assert.equal(packed.byteOffset, 0);
  assert.equal(packed.byteLength, 32);
});

test("malformed frames are rejected with ERR_VALUE", () => {
  const data = new Uint8Array(32);
  for (const bad of [
    { data, width: 0, height: 2, format: "rgba" as const },
    { data, width: 4.5, height: 2, format: "rgba" as const },
    { data, width: 4, height: 100_000, format: "rgba" as const },
    { data: new Uint8Array(31), width: 4, height: 2, format: "rgba" as const },
    { data: new Uint8Array(64).subarray(40), width: 4, height: 2, format: "rgba" as const },
    { data, width: 4, height: 2, format: "yuyv" as unknown as "rgba" },
    { data: [1, 2] as unknown as Uint8Array, width: 1, height: 1, format: "rgba" as const },
  ]) {
    assert.throws(() => packRawVideoFrame(bad), { code: "ERR_VALUE" });
  }
  const shortView = new Uint8Array(new SharedArrayBuffer(64)).subarray(40);
  assert.throws(() => packRawVideoFrame({ data: shortView, width: 4, height: 2, format: "rgba" }), {
    code: "ERR_VALUE",
    message: "a 4x2 rgba frame needs 32 bytes, got 24",
  });
});
