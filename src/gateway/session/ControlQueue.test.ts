import assert from "node:assert/strict";
import { test } from "node:test";
import { ControlQueue } from "./ControlQueue.js";

const bytes = (...v: number[]) => new Uint8Array(v);

test("push reports full at capacity and never blocks", () => {
  const q = new ControlQueue(2);
  assert.equal(q.push(bytes(1)), "queued");
  assert.equal(q.push(bytes(2)), "queued");
  assert.equal(q.push(bytes(3)), "full");
  assert.equal(q.length, 2);
});

test("the default capacity is 1024 messages", () => {
  const q = new ControlQueue();
  assert.equal(q.capacity, 1024);
  for (let i = 0; i < 1024; i++) {
    assert.equal(q.push(bytes(i & 0xff)), "queued");
  }
  assert.equal(q.push(bytes(0)), "full");
});

test("push after close reports closed and close abandons pending frames", () => {
  const q = new ControlQueue(4);
  q.push(bytes(1));
  q.close();
  assert.equal(q.length, 0);
  assert.equal(q.take(), undefined);
  assert.equal(q.push(bytes(2)), "closed");
});

test("take returns a single frame unchanged and frees capacity", () => {
  const q = new ControlQueue(1);
  const f = bytes(1, 2, 3);
  q.push(f);
  const taken = q.take();
  assert.equal(taken?.length, 1);
  assert.equal(taken?.[0], f); // not copied
  assert.equal(q.push(bytes(4)), "queued");
});

test("take batches consecutive frames in FIFO order up to maxBytes", () => {
  const q = new ControlQueue(8);
  q.push(bytes(1, 1));
  q.push(bytes(2, 2));
  q.push(bytes(3, 3));
  q.push(bytes(4, 4));
  assert.deepEqual(q.take(5), [bytes(1, 1), bytes(2, 2)]);
  assert.deepEqual(q.take(100), [bytes(3, 3), bytes(4, 4)]);
  assert.equal(q.take(), undefined);
});

test("take always returns at least one frame, even larger than maxBytes", () => {
  const q = new ControlQueue(4);
  q.push(new Uint8Array(10));
  q.push(bytes(7));
  assert.equal(q.take(4)?.[0]?.byteLength, 10);
  assert.deepEqual(q.take(4), [bytes(7)]);
});

test("FIFO order survives wrap-around of the ring", () => {
  const q = new ControlQueue(3);
  const out: number[] = [];
  for (let i = 0; i < 10; i++) {
    assert.equal(q.push(bytes(i)), "queued");
    if (q.length === q.capacity) {
      out.push(...q.take(1)![0]!);
    }
  }
  while (q.length > 0) {
    out.push(...q.take(1)![0]!);
  }
  assert.deepEqual(out, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
});

test("wait resolves on push, on close, and on abort", async () => {
  const q = new ControlQueue(2);
  const w1 = q.wait();
  q.push(bytes(1));
  assert.equal(await w1, true);
  q.take();
  const ac = new AbortController();
  const w2 = q.wait(ac.signal);
  ac.abort();
  assert.equal(await w2, false);
  const w3 = q.wait();
  q.close();
  assert.equal(await w3, false);
});

test("wait rejects a second concurrent waiter", async () => {
  const q = new ControlQueue(2);
  const first = q.wait();
  await assert.rejects(q.wait(), /already pending/);
  q.push(bytes(1));
  assert.equal(await first, true);
});

test("capacity must be a positive integer", () => {
  assert.throws(() => new ControlQueue(0), RangeError);
  assert.throws(() => new ControlQueue(1.5), RangeError);
});
