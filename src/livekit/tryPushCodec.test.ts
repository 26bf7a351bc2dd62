import assert from "node:assert/strict";
import { test } from "node:test";
import { FfiRequest, FfiResponse, LocalDataTrackTryPushErrorCode } from "@livekit/rtc-ffi-bindings";
import { decodeTryPushResponse, encodeTryPushRequest } from "./tryPushCodec.js";
import { encodeHandle } from "./varint.js";

// Every field the hand-written codec writes or reads is checked against the generated protobuf
// classes of @livekit/rtc-ffi-bindings: a schema change upstream fails here.

const U64_MAX = (1n << 64n) - 1n;

function decodeRequest(bytes: Uint8Array) {
  const request = FfiRequest.fromBinary(bytes);
  assert.equal(request.message.case, "localDataTrackTryPush");
  return request.message.value;
}

test("a try-push request decodes with the library's FfiRequest: handle, payload, timestamp", () => {
  const handles = [0n, 1n, 127n, 128n, 300n, 2n ** 32n - 1n, 2n ** 32n, 2n ** 53n + 7n, U64_MAX];
  const timestamps = [undefined, 0n, 1n, 127n, 128n, 1_763_700_000_123_456_789n, U64_MAX];
  const payloads = [0, 1, 63, 64, 127, 128, 16_383, 16_384, 70_000].map((n) =>
    Uint8Array.from({ length: n }, (_, i) => (i * 7 + n) & 0xff),
  );
  for (const handle of handles) {
    for (const userTimestamp of timestamps) {
      for (const payload of payloads) {
        const value = decodeRequest(
          encodeTryPushRequest(encodeHandle(handle), undefined, payload, userTimestamp),
        );
        assert.equal(value.trackHandle, handle);
        assert.deepEqual(value.frame?.payload, payload);
        assert.equal(value.frame?.userTimestamp, userTimestamp);
      }
    }
  }
});

test("a prefix is sent before the payload in the same frame", () => {
  const prefix = Uint8Array.of(0, 0, 8, 0, 1, 2, 3, 4);
  const payload = new TextEncoder().encode('{"x":1}');
  const value = decodeRequest(encodeTryPushRequest(encodeHandle(42n), prefix, payload, 9n));
  assert.deepEqual(value.frame?.payload, Uint8Array.from([...prefix, ...payload]));
  const empty = decodeRequest(
    encodeTryPushRequest(encodeHandle(42n), new Uint8Array(0), payload, 9n),
  );
  assert.deepEqual(empty.frame?.payload, payload);
});

test("the encoding equals protobuf-es's, byte for byte", () => {
  const payload = Uint8Array.from({ length: 300 }, (_, i) => i & 0xff);
  for (const userTimestamp of [undefined, 5n, U64_MAX]) {
    const ours = encodeTryPushRequest(encodeHandle(77n), undefined, payload, userTimestamp);
    const theirs = new FfiRequest({
      message: {
        case: "localDataTrackTryPush",
        value: {
          trackHandle: 77n,
          frame: { payload, ...(userTimestamp !== undefined ? { userTimestamp } : {}) },
        },
      },
    }).toBinary();
    assert.deepEqual(ours, theirs);
  }
});

test("the reused buffer grows, and requests above 1 MiB get a buffer of their own", () => {
  const small = encodeTryPushRequest(encodeHandle(1n), undefined, new Uint8Array(10), 1n);
  const smallCopy = small.slice();
  const big = new Uint8Array(2 << 20).fill(9);
  const encoded = encodeTryPushRequest(encodeHandle(1n), undefined, big, 1n);
  assert.deepEqual(decodeRequest(encoded).frame?.payload, big);
  const again = encodeTryPushRequest(encodeHandle(1n), undefined, new Uint8Array(10), 1n);
  assert.deepEqual(again, smallCopy);
});

function response(error?: { code: LocalDataTrackTryPushErrorCode; message: string }): Uint8Array {
  return new FfiResponse({
    message: { case: "localDataTrackTryPush", value: error === undefined ? {} : { error } },
  }).toBinary();
}

test("a reply without error decodes as accepted", () => {
  assert.equal(decodeTryPushResponse(response()), undefined);
});

test("every error code and its message decode from the library's FfiResponse", () => {
  const codes = Object.values(LocalDataTrackTryPushErrorCode).filter(
    (c): c is LocalDataTrackTryPushErrorCode => typeof c === "number",
  );
  assert.ok(codes.includes(LocalDataTrackTryPushErrorCode.QUEUE_FULL));
  for (const code of codes) {
    const message = `reason ${code} ünïcode`;
    assert.deepEqual(decodeTryPushResponse(response({ code, message })), { code, message });
  }
});

test("a reply of another kind or malformed bytes is an ERR_LIVEKIT error", () => {
  const other = new FfiResponse({
    message: { case: "localDataTrackIsPublished", value: { isPublished: true } },
  }).toBinary();
  assert.throws(() => decodeTryPushResponse(other), { code: "ERR_LIVEKIT" });
  assert.throws(() => decodeTryPushResponse(Uint8Array.of(0xaa, 0x04, 0x05, 0x12)), {
    code: "ERR_LIVEKIT",
  });
  assert.throws(() => decodeTryPushResponse(Uint8Array.of(0xaa)), { code: "ERR_LIVEKIT" });
});
