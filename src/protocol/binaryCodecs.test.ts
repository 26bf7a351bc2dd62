import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { ClientBinaryMessage } from "./ClientBinaryMessage.js";
import {
  decodeClientBinary,
  decodeClientBinaryV1,
  encodeClientBinary,
  encodeClientMessageData,
} from "./clientBinaryCodec.js";
import type { ServerBinaryMessage } from "./ServerBinaryMessage.js";
import {
  decodeServerBinary,
  decodeServerBinaryV1,
  encodeMessageData,
  encodeServerBinary,
} from "./serverBinaryCodec.js";
import {
  everyClientBinary,
  everyClientBinaryV1,
  everyServerBinary,
  everyServerBinaryV1,
} from "./testing/sampleMessages.js";
import { hex } from "./testing/specVectors.js";

function rejects(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, { code: "ERR_DECODE", message: pattern });
}

describe("binary codecs", () => {
  test("round-trip every server message type (v2 and v1)", () => {
    for (const m of everyServerBinary) {
      assert.deepStrictEqual(decodeServerBinary(encodeServerBinary(m)), m);
    }
    for (const m of everyServerBinaryV1) {
      assert.deepStrictEqual(decodeServerBinaryV1(encodeServerBinary(m)), m);
    }
  });

  test("round-trip every client message type (v2 and v1)", () => {
    for (const m of everyClientBinary) {
      assert.deepStrictEqual(decodeClientBinary(encodeClientBinary(m)), m);
    }
    for (const m of everyClientBinaryV1) {
      assert.deepStrictEqual(decodeClientBinaryV1(encodeClientBinary(m)), m);
    }
  });

  test("payload fields are views into the input, not copies", () => {
    const bytes = encodeMessageData(1, 2n, new Uint8Array([9, 9, 9]));
    const m = decodeServerBinary(bytes);
    assert.ok(m.op === "messageData");
    assert.equal(m.data.buffer, bytes.buffer);
    assert.equal(m.data.byteOffset, 17);
  });

  test("payloads of Buffer input are plain Uint8Array views", () => {
    const buf = Buffer.from(encodeMessageData(1, 2n, new Uint8Array([5, 6])));
    const m = decodeServerBinary(buf);
    assert.ok(m.op === "messageData");
    assert.equal(Object.getPrototypeOf(m.data), Uint8Array.prototype);
    assert.deepStrictEqual(m.data, new Uint8Array([5, 6]));
    assert.equal(m.data.buffer, buf.buffer);
  });

  test("decoding works on views with a non-zero byteOffset", () => {
    const inner = encodeClientMessageData(7, new Uint8Array([1, 2]));
    const outer = new Uint8Array(inner.length + 3);
    outer.set(inner, 3);
    assert.deepStrictEqual(decodeClientBinary(outer.subarray(3)), {
      op: "messageData",
      channelId: 7,
      data: new Uint8Array([1, 2]),
    });
  });

  test("fixed-length messages ignore trailing bytes; rest-messages keep them", () => {
    assert.deepStrictEqual(decodeServerBinary(hex("02 01 00 00 00 00 00 00 00 ff ff")), {
      op: "time",
      timestamp: 1n,
    });
    assert.deepStrictEqual(decodeClientBinary(hex("05 02 00 00 00 00 00 00 00 ff")), {
      op: "pingAck",
      deviceTimestamp: 2n,
    });
  });

  test("empty messages and unknown opcodes are rejected per direction and version", () => {
    for (const d of [
      decodeServerBinary,
      decodeServerBinaryV1,
      decodeClientBinary,
      decodeClientBinaryV1,
    ]) {
      rejects(() => d(new Uint8Array(0)), /Empty binary message/);
      rejects(() => d(hex("00")), /Unknown binary opcode 0x00/);
      rejects(() => d(hex("07 00")), /Unknown binary opcode 0x07/);
    }
    rejects(
      () => decodeServerBinaryV1(hex("06 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00")),
      /0x06 \(server, v1\)/,
    );
    rejects(() => decodeClientBinaryV1(hex("04 00 00 00 00 00 00 00 00")), /0x04 \(client, v1\)/);
  });

  test("every truncation of every message is 'buffer too short'", () => {
    const cases: [Uint8Array, (b: Uint8Array) => unknown][] = [
      ...everyServerBinary.map((m) => [encodeServerBinary(m), decodeServerBinary] as const),
      ...everyServerBinaryV1.map((m) => [encodeServerBinary(m), decodeServerBinaryV1] as const),
      ...everyClientBinary.map((m) => [encodeClientBinary(m), decodeClientBinary] as const),
    ].map(([b, d]) => [b, d] as [Uint8Array, (b: Uint8Array) => unknown]);
    let checked = 0;
    for (const [bytes, decode] of cases) {
      const min = minimumLength(bytes, decode);
      for (let n = 1; n < min; n++) {
        rejects(() => decode(bytes.subarray(0, n)), /Buffer too short/);
        checked++;
      }
    }
    assert.ok(checked > 100);
  });

  test("declared string longer than the message, and bad UTF-8, are rejected", () => {
    rejects(
      () => decodeServerBinary(hex("03 01 00 00 00 02 00 00 00 05 00 00 00 6a 73")),
      /encoding needs 5 bytes, 2 left/,
    );
    rejects(
      () => decodeClientBinary(hex("02 01 00 00 00 02 00 00 00 02 00 00 00 c3 28")),
      /Invalid UTF-8 in encoding/,
    );
    rejects(() => decodeServerBinary(hex("04 01 00 00 00 01 01 00 00 00 ff")), /Invalid UTF-8/);
  });

  test("enum values out of range are rejected", () => {
    rejects(
      () => decodeServerBinary(hex("04 01 00 00 00 02 00 00 00 00")),
      /status must be 0 or 1/,
    );
    rejects(
      () => decodeServerBinary(hex("05 04 00 00 00 00 00 00 00 00 00 00 80 3f 00 00 00 00 00")),
      /status must be 0..3/,
    );
    rejects(
      () => decodeClientBinary(hex("03 02 00 00 80 3f 00 00 00 00 00 00 00 00 00 00 00 00 00")),
      /command must be 0 or 1/,
    );
  });

  test("channel ids of 2^53 and above are rejected, 2^53 - 1 accepted", () => {
    rejects(
      () => decodeServerBinary(hex("01 00 00 00 00 00 00 20 00 00 00 00 00 00 00 00 00")),
      /exceeds 2\^53/,
    );
    const ok = decodeServerBinary(hex("01 ff ff ff ff ff ff 1f 00 00 00 00 00 00 00 00 00"));
    assert.ok(ok.op === "messageData" && ok.channelId === Number.MAX_SAFE_INTEGER);
  });

  test("encoders reject out-of-range fields with ERR_ENCODE", () => {
    const badServer: unknown[] = [
      { op: "messageData", channelId: 2 ** 53, logTime: 0n, data: new Uint8Array() },
      { op: "messageData", channelId: 1, logTime: -1n, data: new Uint8Array() },
      { op: "messageData", channelId: 1, logTime: 2n ** 64n, data: new Uint8Array() },
      { op: "messageData", channelId: 1, logTime: 1, data: new Uint8Array() },
      { op: "messageData", subscriptionId: 2 ** 32, logTime: 0n, data: new Uint8Array() },
      { op: "messageData", channelId: 1, logTime: 0n, data: [1, 2] },
      { op: "fetchAssetResponse", requestId: 1, status: "maybe" },
      {
        op: "playbackState",
        status: "rewinding",
        currentTime: 0n,
        playbackSpeed: 1,
        didSeek: false,
      },
      { op: "serviceCallResponse", serviceId: 1, callId: 1, encoding: 5, data: new Uint8Array() },
      { op: "bogus" },
    ];
    for (const m of badServer) {
      assert.throws(() => encodeServerBinary(m as ServerBinaryMessage), { code: "ERR_ENCODE" });
    }
    const badClient: unknown[] = [
      { op: "messageData", channelId: -1, data: new Uint8Array() },
      { op: "playbackControlRequest", command: "stop", playbackSpeed: 1, requestId: "" },
      { op: "ping", appTimestamp: -5n },
      { op: "bogus" },
    ];
    for (const m of badClient) {
      assert.throws(() => encodeClientBinary(m as ClientBinaryMessage), { code: "ERR_ENCODE" });
    }
  });
});

/** Smallest prefix length that decodes (or the full length). */
function minimumLength(bytes: Uint8Array, decode: (b: Uint8Array) => unknown): number {
  for (let n = 1; n <= bytes.length; n++) {
    try {
      decode(bytes.subarray(0, n));
      return n;
    } catch {
      // shorter prefixes fail
    }
  }
  return bytes.length;
}
