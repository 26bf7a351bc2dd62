import assert from "node:assert/strict";
import { test } from "node:test";
import { FfiEvent, FfiRequest, FfiResponse } from "@livekit/rtc-ffi-bindings";
import {
  decodeByteStreamWriteCallback,
  decodeByteStreamWriteResponse,
  encodeByteStreamWriteRequest,
} from "./byteStreamCodec.js";
import { encodeHandle } from "./varint.js";

// Every field the hand-written codec writes or reads is checked against the generated protobuf
// classes of @livekit/rtc-ffi-bindings: a schema change upstream fails here.

const U64_MAX = (1n << 64n) - 1n;
const ASYNC_IDS = [0, 1, 127, 128, 300, 2 ** 32 - 1, 2 ** 32, 2 ** 53 - 1];

function split(bytes: Uint8Array, parts: number): Uint8Array[] {
  const step = Math.ceil(bytes.byteLength / parts) || 1;
  const out: Uint8Array[] = [];
  for (let i = 0; i < bytes.byteLength; i += step) {
    out.push(bytes.subarray(i, i + step));
  }
  return out;
}

test("a write request decodes with the library's FfiRequest: writer handle and bytes", () => {
  const handles = [0n, 1n, 127n, 128n, 2n ** 32n, 2n ** 53n + 7n, U64_MAX];
  const sizes = [0, 1, 127, 128, 16_383, 16_384, 65_536, 70_000, 1_100_000];
  for (const handle of handles) {
    for (const size of sizes) {
      const bytes = Uint8Array.from({ length: size }, (_, i) => (i * 13 + size) & 0xff);
      for (const parts of [1, 3]) {
        const encoded = encodeByteStreamWriteRequest(
          encodeHandle(handle),
          split(bytes, parts),
          size,
        );
        const request = FfiRequest.fromBinary(encoded);
        assert.equal(request.message.case, "byteStreamWrite");
        assert.equal(request.message.value.writerHandle, handle);
        assert.deepEqual(request.message.value.bytes, bytes);
        assert.equal(request.message.value.requestAsyncId, undefined);
      }
    }
  }
});

test("the write request equals protobuf-es's encoding, byte for byte", () => {
  const bytes = Uint8Array.from({ length: 1000 }, (_, i) => i & 0xff);
  const ours = encodeByteStreamWriteRequest(encodeHandle(99n), split(bytes, 4), bytes.byteLength);
  const theirs = new FfiRequest({
    message: { case: "byteStreamWrite", value: { writerHandle: 99n, bytes } },
  }).toBinary();
  assert.deepEqual(ours, theirs);
});

test("a byteLength that does not match the chunks is refused", () => {
  assert.throws(
    () => encodeByteStreamWriteRequest(encodeHandle(1n), [new Uint8Array(3)], 4),
    (e: Error & { code?: string }) => e.code === "ERR_VALUE",
  );
});

test("the async id is read from the library's FfiResponse", () => {
  for (const asyncId of ASYNC_IDS) {
    const reply = new FfiResponse({
      message: { case: "byteStreamWrite", value: { asyncId: BigInt(asyncId) } },
    }).toBinary();
    assert.equal(decodeByteStreamWriteResponse(reply), asyncId);
  }
  const other = new FfiResponse({
    message: { case: "byteStreamClose", value: { asyncId: 5n } },
  }).toBinary();
  assert.throws(
    () => decodeByteStreamWriteResponse(other),
    (e: Error & { code?: string }) => e.code === "ERR_LIVEKIT",
  );
});

test("write callbacks are read from the library's FfiEvent: async id and error", () => {
  for (const asyncId of ASYNC_IDS) {
    for (const error of [undefined, "", "stream closed: ü"]) {
      const event = new FfiEvent({
        message: {
          case: "byteStreamWriterWrite",
          value: {
            asyncId: BigInt(asyncId),
            ...(error !== undefined ? { error: { description: error } } : {}),
          },
        },
      }).toBinary();
      assert.deepEqual(decodeByteStreamWriteCallback(event), { asyncId, error });
    }
  }
});

test("other events are not taken for write callbacks", () => {
  const events = [
    new FfiEvent({ message: { case: "byteStreamWriterClose", value: { asyncId: 1n } } }),
    new FfiEvent({ message: { case: "byteStreamOpen", value: { asyncId: 1n } } }),
    new FfiEvent({ message: { case: "panic", value: { message: "x" } } }),
  ];
  for (const event of events) {
    assert.equal(decodeByteStreamWriteCallback(event.toBinary()), undefined);
  }
});
