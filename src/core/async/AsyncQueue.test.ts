import assert from "node:assert/strict";
import { test } from "node:test";
import { AsyncQueue } from "./AsyncQueue.js";

test("delivers items in order to a waiting and a later reader", async () => {
  const q = new AsyncQueue<number>(4);
  const first = q.next();
  q.push(1);
  q.push(2);
  assert.deepEqual(await first, { done: false, value: 1 });
  assert.deepEqual(await q.next(), { done: false, value: 2 });
});

test("dropOldest keeps the newest items and counts drops", async () => {
  const q = new AsyncQueue<number>(2, "dropOldest");
  assert.equal(q.push(1), true);
  assert.equal(q.push(2), true);
  assert.equal(q.full, true);
  assert.equal(q.push(3), false);
  assert.equal(q.dropped, 1);
  q.end();
  const out: number[] = [];
  for await (const n of q) out.push(n);
  assert.deepEqual(out, [2, 3]);
});

test("dropNewest keeps the oldest items", async () => {
  const q = new AsyncQueue<number>(2, "dropNewest");
  q.push(1);
  q.push(2);
  q.push(3);
  q.end();
  const out: number[] = [];
  for await (const n of q) out.push(n);
  assert.deepEqual(out, [1, 2]);
  assert.equal(q.push(4), false, "push after end is ignored");
});

test("fail delivers queued items, then throws; a pending read rejects", async () => {
  const q = new AsyncQueue<number>(4);
  q.push(1);
  q.fail(new Error("boom"));
  assert.deepEqual(await q.next(), { done: false, value: 1 });
  await assert.rejects(q.next(), /boom/);
  const r = new AsyncQueue<number>(1);
  const pending = r.next();
  r.fail(new Error("later"));
  await assert.rejects(pending, /later/);
});

test("breaking out of for-await clears the queue", async () => {
  const q = new AsyncQueue<number>(4);
  q.push(1);
  q.push(2);
  for await (const n of q) {
    assert.equal(n, 1);
    break;
  }
  assert.equal(q.size, 0);
  assert.equal(q.ended, true);
});

test("rejects a bad capacity and a second concurrent reader", async () => {
  assert.throws(() => new AsyncQueue(0), { code: "ERR_VALUE" });
  const q = new AsyncQueue<number>(1);
  const a = q.next();
  await assert.rejects(q.next(), { code: "ERR_VALUE" });
  q.push(5);
  assert.deepEqual(await a, { done: false, value: 5 });
});
