import assert from "node:assert/strict";
import { test } from "node:test";
import type { RawImage as RawImageMessage } from "@foxglove/schemas";
import { jsonEncoder } from "../core/jsonEncoder.js";
import { CompressedImage, RawImage, RawImageJson } from "../messages/index.js";
import { FrameArena } from "./FrameArena.js";
import { RAW_IMAGE_PROTOBUF, rawImageLayout } from "./rawImageLayout.js";
import { decodeImageMessage } from "./decodeImageMessage.js";

const pixels = (n: number) => new Uint8Array(n).map((_, i) => (i * 37 + 11) & 0xff);

const image: RawImageMessage = {
  timestamp: { sec: 1_700_000_000, nsec: 123_456_789 },
  frame_id: "camera_optical_frame",
  width: 64,
  height: 48,
  encoding: "rgb8",
  step: 192,
  data: pixels(64 * 48 * 3),
};

function written(layout: NonNullable<ReturnType<typeof rawImageLayout>>): Uint8Array {
  const out = new Uint8Array(layout.length);
  layout.write(out);
  return out;
}

test("the layout of a typed RawImage is byte for byte its protobuf encoding", () => {
  const cases: RawImageMessage[] = [
    image,
    { ...image, frame_id: "" },
    { ...image, timestamp: { sec: 0, nsec: 0 } },
    { ...image, data: new Uint8Array(0) },
    { ...image, data: pixels(200), width: 0, height: 0, step: 0, encoding: "" },
    { ...image, frame_id: "kamera ü 📷", data: pixels(127) }, // 1-byte length
    { ...image, data: pixels(128) }, // 2-byte length
    { ...image, data: pixels(3 << 20) }, // 4-byte length
  ];
  // A JavaScript caller may leave fields out.
  const partial = { data: pixels(16), width: 4 } as unknown as RawImageMessage;
  for (const message of [...cases, partial]) {
    const layout = rawImageLayout(RawImage, message);
    assert.ok(layout);
    assert.equal(layout.length, RawImage.encode(message).length);
    assert.deepEqual(written(layout), RawImage.encode(message));
  }
});

test("a JSON-encoded RawImage gets the same protobuf layout, which decodes to the same image", () => {
  const layout = rawImageLayout(RawImageJson, image);
  assert.ok(layout);
  const bytes = written(layout);
  assert.deepEqual(bytes, RawImage.encode(image));
  const viaProtobuf = decodeImageMessage(RAW_IMAGE_PROTOBUF, bytes);
  const viaJson = decodeImageMessage({ decoder: "json", image: "raw" }, RawImageJson.encode(image));
  assert.deepEqual(viaProtobuf, viaJson);
});

test("it writes at any offset of shared memory, and only its own bytes", () => {
  const arena = FrameArena.shared();
  assert.ok(arena);
  const layout = rawImageLayout(RawImage, image)!;
  const block = arena.alloc(layout.length + 10)!;
  block.fill(0xab);
  layout.write(block.subarray(3, 3 + layout.length));
  assert.deepEqual(block.subarray(3, 3 + layout.length), RawImage.encode(image));
  assert.equal(block[2], 0xab);
  assert.equal(block[3 + layout.length], 0xab);
  arena.free(block);
});

test("other encoders, other data and messages that do not encode get no layout", () => {
  assert.equal(rawImageLayout(CompressedImage, image), undefined);
  assert.equal(rawImageLayout(jsonEncoder(), image), undefined);
  assert.equal(rawImageLayout(RawImage, null), undefined);
  assert.equal(rawImageLayout(RawImage, "rgb8"), undefined);
  assert.equal(rawImageLayout(RawImage, { ...image, data: [1, 2, 3] }), undefined);
  assert.equal(rawImageLayout(RawImage, { ...image, data: "AQID" }), undefined); // base64
  assert.equal(rawImageLayout(RawImage, { ...image, data: undefined }), undefined);
  // A field the encoder cannot write: the usual path reports it.
  const bad = { ...image, width: Symbol("w") };
  assert.throws(() => RawImage.encode(bad as unknown as RawImageMessage));
  assert.equal(rawImageLayout(RawImage, bad), undefined);
});
