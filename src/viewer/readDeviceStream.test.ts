import assert from "node:assert/strict";
import { test } from "node:test";
import { FoxgloveError } from "../core/FoxgloveError.js";
import {
  encodeJsonFrame,
  encodeMessageDataFrame,
  encodeServerFrame,
  type ServerMessage,
} from "../protocol/index.js";
import { readDeviceStream } from "./readDeviceStream.js";

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** `bytes` split into chunks of the given sizes (the rest in a last chunk). */
async function* chunked(bytes: Uint8Array, sizes: number[]): AsyncGenerator<Uint8Array> {
  let at = 0;
  for (const n of sizes) {
    await Promise.resolve();
    yield bytes.slice(at, at + n);
    at += n;
  }
  if (at < bytes.length) yield bytes.slice(at);
}

async function read(chunks: AsyncIterable<Uint8Array>, max?: number) {
  const messages: ServerMessage[] = [];
  const errors: FoxgloveError[] = [];
  const end = await readDeviceStream(
    chunks,
    {
      onMessage: (m) => (messages.push(m), true),
      onBadMessage: (e) => errors.push(e),
    },
    max === undefined ? {} : { maxFramePayload: max },
  );
  return { messages, errors, end };
}

const info = encodeServerFrame({ op: "serverInfo", name: "dev", capabilities: ["x-unknown"] });
const adv = encodeServerFrame({
  op: "advertise",
  channels: [{ id: 1, topic: "/a", encoding: "json", schemaName: "", schema: "" }],
});
const data = encodeMessageDataFrame(1, 99n, new Uint8Array([1, 2, 3]));

test("frames split at every possible boundary decode in order", async () => {
  const stream = concat([info, adv, data]);
  for (let cut = 1; cut < stream.length; cut += 3) {
    const { messages, errors, end } = await read(chunked(stream, [cut, 1, 7]));
    assert.deepEqual(
      messages.map((m) => m.op),
      ["serverInfo", "advertise", "messageData"],
    );
    assert.deepEqual(errors, []);
    assert.equal(end.sawServerInfo, true);
    assert.equal(end.error, undefined);
  }
});

test("malformed messages are reported and skipped; reading continues", async () => {
  const stream = concat([
    info,
    encodeJsonFrame("{not json"),
    encodeJsonFrame('{"op":"noSuchOp"}'),
    encodeJsonFrame('{"op":"status","level":7,"message":"x"}'),
    new Uint8Array([2, 1, 0, 0, 0, 0x7f]), // unknown binary opcode
    new Uint8Array([2, 3, 0, 0, 0, 1, 0, 0]), // MessageData too short
    new Uint8Array([1, 0, 0, 0, 0]), // empty frame
    data,
  ]);
  const { messages, errors, end } = await read(chunked(stream, [4, 4, 4]));
  assert.deepEqual(
    messages.map((m) => m.op),
    ["serverInfo", "messageData"],
  );
  assert.equal(errors.length, 6);
  assert.ok(
    errors.every((e) => e.code === "ERR_DECODE"),
    errors.map((e) => e.code).join(),
  );
  assert.equal(end.error, undefined);
});

test("an unknown frame opcode corrupts the stream after the frames before it", async () => {
  const stream = concat([info, adv, new Uint8Array([9, 0, 0, 0, 0]), data]);
  const { messages, end } = await read(chunked(stream, [stream.length]));
  assert.deepEqual(
    messages.map((m) => m.op),
    ["serverInfo", "advertise"],
  );
  assert.equal(end.error?.code, "ERR_PROTOCOL");
});

test("an oversize frame is refused from its header", async () => {
  const header = new Uint8Array([1, 0, 0, 0, 2]); // 32 MiB declared
  const { messages, end } = await read(chunked(concat([info, header]), [info.length]));
  assert.equal(messages.length, 1);
  assert.equal(end.error?.code, "ERR_FRAME_TOO_LARGE");
  const small = await read(chunked(adv, []), 10);
  assert.equal(small.end.error?.code, "ERR_FRAME_TOO_LARGE");
});

test("a stream ending inside a frame reports ERR_PROTOCOL", async () => {
  const { messages, end } = await read(chunked(concat([info, adv.subarray(0, 9)]), []));
  assert.equal(messages.length, 1);
  assert.equal(end.error?.code, "ERR_PROTOCOL");
});

test("a one-shot error status without serverInfo is a rejection", async () => {
  const frame = encodeServerFrame({
    op: "status",
    level: 2,
    message: "version 1.0.0 not supported",
  });
  const { end } = await read(chunked(frame, []));
  assert.equal(end.sawServerInfo, false);
  assert.equal(end.rejection, "version 1.0.0 not supported");
  const after = await read(
    chunked(concat([info, encodeServerFrame({ op: "status", level: 2, message: "later" })]), []),
  );
  assert.equal(after.end.rejection, undefined);
});

test("a transport failure ends reading with its error; onMessage false stops early", async () => {
  async function* failing(): AsyncGenerator<Uint8Array> {
    yield await Promise.resolve(info);
    throw new FoxgloveError("ERR_LIVEKIT", "stream aborted");
  }
  const { messages, end } = await read(failing());
  assert.equal(messages.length, 1);
  assert.equal(end.error?.code, "ERR_LIVEKIT");
  let n = 0;
  const stopped = await readDeviceStream(chunked(concat([info, adv, data]), []), {
    onMessage: () => ++n < 2,
    onBadMessage: () => {},
  });
  assert.equal(n, 2);
  assert.equal(stopped.error, undefined);
});
