import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { encodeFrame, encodeJsonFrame } from "./encodeFrame.js";
import { FrameOpcode, MAX_FRAME_PAYLOAD, type Frame } from "./Frame.js";
import { FrameDecoder } from "./FrameDecoder.js";
import {
  decodeClientFrame,
  decodeServerFrame,
  encodeClientFrame,
  encodeMessageDataFrame,
  encodeServerFrame,
} from "./messageFrames.js";
import {
  everyClientBinary,
  everyClientJson,
  everyServerBinary,
  everyServerJson,
} from "./testing/sampleMessages.js";

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

const framesA = [
  encodeJsonFrame('{"op":"status","level":0,"message":"a"}'),
  encodeFrame(FrameOpcode.Binary, new Uint8Array([4, 1, 2, 3, 4, 5, 6, 7, 8])),
  encodeJsonFrame('{"op":"removeStatus","statusIds":["x"]}'),
];
const stream = concat(framesA);
const expected: Frame[] = framesA.map((f) => ({
  opcode: f[0] as FrameOpcode,
  payload: f.subarray(5),
}));

describe("FrameDecoder", () => {
  test("decodes several frames from one chunk", () => {
    assert.deepStrictEqual(new FrameDecoder().push(stream), expected);
  });

  test("reassembles the stream split at every pair of boundaries", () => {
    for (let i = 0; i <= stream.length; i++) {
      for (let j = i; j <= stream.length; j++) {
        const d = new FrameDecoder();
        const got = [
          ...d.push(stream.subarray(0, i)),
          ...d.push(stream.subarray(i, j)),
          ...d.push(stream.subarray(j)),
        ];
        assert.deepStrictEqual(got, expected, `split at ${i}, ${j}`);
        assert.equal(d.pendingBytes, 0);
        d.finish();
      }
    }
  });

  test("returns plain Uint8Array payloads for Buffer chunks", () => {
    const frames = new FrameDecoder().push(Buffer.from(stream));
    assert.deepStrictEqual(frames, expected);
    assert.ok(frames.every((f) => Object.getPrototypeOf(f.payload) === Uint8Array.prototype));
  });

  test("reassembles byte by byte and reports pending bytes", () => {
    const d = new FrameDecoder();
    const got: Frame[] = [];
    for (let i = 0; i < stream.length; i++) {
      got.push(...d.push(stream.subarray(i, i + 1)));
      const done = got.reduce((n, f) => n + 5 + f.payload.length, 0);
      assert.equal(d.pendingBytes, i + 1 - done);
    }
    assert.deepStrictEqual(got, expected);
  });

  test("copies payloads spanning chunks, so reused chunk buffers do not corrupt them", () => {
    const d = new FrameDecoder();
    const buf = new Uint8Array(stream.length);
    buf.set(stream.subarray(0, 10));
    const first = d.push(buf.subarray(0, 10));
    buf.fill(0);
    buf.set(stream.subarray(10), 0);
    const rest = d.push(buf.subarray(0, stream.length - 10));
    assert.deepStrictEqual([...first, ...rest], expected);
  });

  test("rejects an unknown opcode on its first byte and stays failed", () => {
    const d = new FrameDecoder();
    assert.throws(() => d.push(new Uint8Array([3])), { code: "ERR_PROTOCOL", message: /0x03/ });
    assert.throws(() => d.push(stream), { code: "ERR_PROTOCOL" });
    assert.throws(() => d.finish(), { code: "ERR_PROTOCOL" });
    assert.equal(d.error?.code, "ERR_PROTOCOL");
  });

  test("returns the frames before corruption in the same chunk, then throws on the next call", () => {
    const d = new FrameDecoder();
    const frames = d.push(concat([stream, new Uint8Array([0, 1, 0, 0, 0, 0])]));
    assert.deepStrictEqual(frames, expected);
    assert.equal(d.error?.code, "ERR_PROTOCOL");
    assert.throws(() => d.push(new Uint8Array([1])), { code: "ERR_PROTOCOL" });
    assert.throws(() => d.finish(), { code: "ERR_PROTOCOL" });
    const e = new FrameDecoder();
    assert.deepStrictEqual(
      e.push(concat([stream, new Uint8Array([2, 0xff, 0xff, 0xff, 0xff])])),
      expected,
    );
    assert.equal(e.error?.code, "ERR_FRAME_TOO_LARGE");
  });

  test("rejects lengths over 16 MiB from the header alone; 16 MiB exactly is accepted", () => {
    const tooBig = new Uint8Array([2, 0x01, 0x00, 0x00, 0x01]); // 16 MiB + 1
    for (let split = 1; split <= 5; split++) {
      const d = new FrameDecoder();
      assert.throws(
        () => {
          d.push(tooBig.subarray(0, split));
          d.push(tooBig.subarray(split));
        },
        { code: "ERR_FRAME_TOO_LARGE", message: /16777217/ },
      );
      assert.equal(d.pendingBytes, 0);
    }
    const huge = new Uint8Array([1, 0xff, 0xff, 0xff, 0xff]);
    const before = process.memoryUsage().arrayBuffers;
    assert.throws(() => new FrameDecoder().push(huge), { code: "ERR_FRAME_TOO_LARGE" });
    assert.ok(
      process.memoryUsage().arrayBuffers - before < 1024 * 1024,
      "no payload buffer allocated",
    );

    const d = new FrameDecoder();
    assert.deepStrictEqual(d.push(new Uint8Array([2, 0x00, 0x00, 0x00, 0x01])), []);
    assert.equal(d.pendingBytes, 5);
    const payload = new Uint8Array(MAX_FRAME_PAYLOAD);
    const frames = d.push(payload);
    assert.equal(frames.length, 1);
    assert.equal(frames[0]!.payload.length, MAX_FRAME_PAYLOAD);
  });

  test("honours a custom maxPayload", () => {
    const d = new FrameDecoder({ maxPayload: 4 });
    assert.equal(d.push(encodeFrame(FrameOpcode.Binary, new Uint8Array(4))).length, 1);
    assert.throws(() => d.push(encodeFrame(FrameOpcode.Binary, new Uint8Array(5))), {
      code: "ERR_FRAME_TOO_LARGE",
    });
  });

  test("passes zero-length frames through (their decode then fails)", () => {
    const frames = new FrameDecoder().push(new Uint8Array([2, 0, 0, 0, 0, 1, 0, 0, 0, 0]));
    assert.equal(frames.length, 2);
    assert.throws(() => decodeServerFrame(frames[0]!), { code: "ERR_DECODE", message: /Empty/ });
    assert.throws(() => decodeServerFrame(frames[1]!), {
      code: "ERR_DECODE",
      message: /Invalid JSON/,
    });
  });

  test("finish() reports a stream that ended inside a frame", () => {
    const d = new FrameDecoder();
    d.push(stream.subarray(0, 3));
    assert.throws(() => d.finish(), {
      code: "ERR_PROTOCOL",
      message: /inside a frame \(3 bytes\)/,
    });
    const e = new FrameDecoder();
    e.push(stream.subarray(0, 8));
    assert.throws(() => e.finish(), { code: "ERR_PROTOCOL", message: /8 bytes/ });
  });
});

describe("message frames", () => {
  test("every server and client message round-trips through frames and the decoder", () => {
    const server = [...everyServerJson, ...everyServerBinary];
    const client = [...everyClientJson, ...everyClientBinary];
    const sBytes = concat(server.map(encodeServerFrame));
    const cBytes = concat(client.map(encodeClientFrame));
    for (const chunk of [1, 7, 64, 1 << 20]) {
      const sd = new FrameDecoder();
      const cd = new FrameDecoder();
      const sFrames: Frame[] = [];
      const cFrames: Frame[] = [];
      for (let i = 0; i < sBytes.length; i += chunk)
        sFrames.push(...sd.push(sBytes.subarray(i, i + chunk)));
      for (let i = 0; i < cBytes.length; i += chunk)
        cFrames.push(...cd.push(cBytes.subarray(i, i + chunk)));
      assert.deepStrictEqual(sFrames.map(decodeServerFrame), server);
      assert.deepStrictEqual(cFrames.map(decodeClientFrame), client);
    }
  });

  test("JSON goes in opcode-1 frames and binary in opcode-2 frames", () => {
    assert.equal(encodeServerFrame(everyServerJson[0]!)[0], 1);
    assert.equal(encodeServerFrame(everyServerBinary[0]!)[0], 2);
    assert.equal(encodeClientFrame(everyClientJson[0]!)[0], 1);
    assert.equal(encodeClientFrame(everyClientBinary[0]!)[0], 2);
  });

  test("encodeMessageDataFrame equals the generic encoder", () => {
    const data = new Uint8Array([1, 2, 3]);
    assert.deepStrictEqual(
      encodeMessageDataFrame(2 ** 40 + 3, 99n, data),
      encodeServerFrame({ op: "messageData", channelId: 2 ** 40 + 3, logTime: 99n, data }),
    );
    assert.throws(() => encodeMessageDataFrame(-1, 0n, data), { code: "ERR_ENCODE" });
  });

  test("the frame encoder refuses empty, oversized and unknown-opcode frames", () => {
    assert.throws(() => encodeFrame(FrameOpcode.Json, new Uint8Array(0)), { code: "ERR_ENCODE" });
    assert.throws(() => encodeFrame(3 as FrameOpcode, new Uint8Array(1)), { code: "ERR_ENCODE" });
    assert.throws(() => encodeFrame(FrameOpcode.Binary, new Uint8Array(MAX_FRAME_PAYLOAD + 1)), {
      code: "ERR_ENCODE",
    });
  });

  test("decoding a frame with an unknown opcode is ERR_PROTOCOL", () => {
    assert.throws(
      () => decodeClientFrame({ opcode: 9 as FrameOpcode, payload: new Uint8Array(1) }),
      {
        code: "ERR_PROTOCOL",
      },
    );
  });
});
