import assert from "node:assert/strict";
import { test } from "node:test";
import type { FoxgloveError } from "../core/FoxgloveError.js";
import type { DataTrackFrame } from "../livekit/index.js";
import { encodeDataTrackFrame } from "../protocol/index.js";
import { DataTrackReceiver, type DataTrackFrames } from "./DataTrackReceiver.js";

function frames(list: DataTrackFrame[], failWith?: Error): DataTrackFrames & { closed: boolean } {
  const out = {
    closed: false,
    close() {
      out.closed = true;
    },
    async *[Symbol.asyncIterator]() {
      for (const f of list) {
        await Promise.resolve();
        yield f;
      }
      if (failWith !== undefined) throw failWith;
    },
  };
  return out;
}

function run(list: DataTrackFrame[], failWith?: Error) {
  const got: string[] = [];
  const errors: FoxgloveError[] = [];
  return new Promise<{ got: string[]; errors: FoxgloveError[]; receiver: DataTrackReceiver }>(
    (resolve) => {
      const receiver: DataTrackReceiver = new DataTrackReceiver(7, frames(list, failWith), {
        onMessage: (data, logTime, sequence, lost) =>
          got.push(`${new TextDecoder().decode(data)} t=${logTime} seq=${sequence} lost=${lost}`),
        onError: (e) => errors.push(e),
        onEnd: () => resolve({ got, errors, receiver }),
      });
    },
  );
}

const f = (seq: number, text: string, ts?: bigint): DataTrackFrame => ({
  payload: encodeDataTrackFrame(seq, new TextEncoder().encode(text)),
  userTimestamp: ts,
});

test("frames become messages with the user timestamp as log time and sequence gaps as losses", async () => {
  const { got, errors, receiver } = await run([f(0, "a", 10n), f(1, "b", 11n), f(4, "c")]);
  assert.deepEqual(got, ["a t=10 seq=0 lost=0", "b t=11 seq=1 lost=0", "c t=0 seq=4 lost=2"]);
  assert.deepEqual(errors, []);
  assert.equal(receiver.lost, 2);
});

test("frames failing the header checks are reported and skipped", async () => {
  const badOffset = encodeDataTrackFrame(1, new Uint8Array([1]));
  badOffset[2] = 200; // data offset beyond the payload
  const wideOffset = new Uint8Array([0, 0, 10, 0, 2, 0, 0, 0, 0xff, 0xff, 0x78]); // offset 10
  const { got, errors } = await run([
    { payload: new Uint8Array([0, 0, 8]), userTimestamp: 1n },
    { payload: badOffset, userTimestamp: 1n },
    { payload: wideOffset, userTimestamp: 5n },
  ]);
  assert.deepEqual(got, ["x t=5 seq=2 lost=0"]);
  assert.deepEqual(
    errors.map((e) => e.code),
    ["ERR_DECODE", "ERR_DECODE"],
  );
});

test("a failing subscription is reported as an error", async () => {
  const { got, errors } = await run([f(0, "a", 1n)], new Error("subscription failed"));
  assert.equal(got.length, 1);
  assert.equal(errors[0]?.code, "ERR_LIVEKIT");
});
