import assert from "node:assert/strict";
import { test } from "node:test";
import type { EventEmitter } from "node:events";
import * as ws from "ws";
import { decodeServerMessageV1 } from "../protocol/index.js";
import { ReliableMessageFrames, SharedMessageData } from "./SharedMessageData.js";

/** `ws`'s frame parser (exported at run time, not in its type declarations). */
const { Receiver } = ws as unknown as {
  Receiver: new (options: { isServer: boolean }) => EventEmitter & {
    write(bytes: Buffer): boolean;
  };
};

/** Parses WebSocket frames with `ws`'s own receiver (the client side: frames unmasked). */
function parseFrames(bytes: Uint8Array): Uint8Array[] {
  const receiver = new Receiver({ isServer: false });
  const messages: Uint8Array[] = [];
  receiver.on("message", (data: Buffer, isBinary: boolean) => {
    assert.equal(isBinary, true);
    messages.push(new Uint8Array(data));
  });
  receiver.write(Buffer.from(bytes));
  return messages;
}

test("frames of every length class parse as one binary WebSocket message each", () => {
  // Message = 13 bytes + payload: 7-bit, 16-bit and 64-bit length encodings and their edges.
  for (const size of [0, 112, 113, 65_522, 65_523, 70_000]) {
    const data = new Uint8Array(size).map((_, i) => (i * 31) & 0xff);
    const shared = new SharedMessageData(data, 1_700_000_000_000_000_123n);
    const frame = shared.frameFor(7);
    assert.equal(frame, shared.frameFor(7), "encoded once per subscription id");
    const [message, ...rest] = parseFrames(frame.bytes);
    assert.equal(rest.length, 0, `${size}: one message`);
    assert.deepEqual(message, new Uint8Array(frame.message));
    assert.deepEqual(decodeServerMessageV1(message), {
      op: "messageData",
      subscriptionId: 7,
      logTime: 1_700_000_000_000_000_123n,
      data,
    });
  }
});

test("clients with other subscription ids get their own frame; a bad id is ERR_ENCODE", () => {
  const shared = new SharedMessageData(new Uint8Array([1, 2, 3]), 5n);
  const a = shared.frameFor(1);
  const b = shared.frameFor(2);
  assert.notEqual(a, b);
  assert.equal(shared.frameFor(2), b);
  assert.deepEqual(decodeServerMessageV1(parseFrames(b.bytes)[0]!), {
    op: "messageData",
    subscriptionId: 2,
    logTime: 5n,
    data: new Uint8Array([1, 2, 3]),
  });
  assert.throws(() => shared.frameFor(2 ** 32), { code: "ERR_ENCODE" });
});

test("the reliable frames are shared while the same message is broadcast", () => {
  const frames = new ReliableMessageFrames();
  const first = { data: new Uint8Array([9]), logTime: 1n };
  const second = { data: new Uint8Array([9]), logTime: 1n };
  assert.equal(frames.of(first), frames.of(first));
  assert.notEqual(frames.of(second), frames.of(first), "another message, even if equal");
});
