import assert from "node:assert/strict";
import { test } from "node:test";
import { SerialQueue } from "./SerialQueue.js";

/** A run function whose calls each wait for the test to release them. */
function gated() {
  const started: number[] = [];
  const releases: (() => void)[] = [];
  const run = (item: number) =>
    new Promise<void>((resolve) => {
      started.push(item);
      releases.push(resolve);
    });
  return { run, started, releases };
}

test("runs items one at a time in push order, never inside push", async () => {
  const g = gated();
  const queue = new SerialQueue(g.run);
  assert.equal(queue.idle, true);
  assert.equal(queue.push(1), true);
  assert.equal(queue.push(2), true);
  assert.equal(queue.idle, false);
  assert.deepEqual(g.started, []); // not run synchronously by push
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(g.started, [1]); // 2 waits until 1 settled
  const flushed = queue.flush();
  g.releases[0]!();
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(g.started, [1, 2]);
  g.releases[1]!();
  await flushed;
  assert.equal(queue.size, 0);
  await new Promise((r) => setImmediate(r));
  assert.equal(queue.idle, true);
});

test("refuses pushes beyond maxItems or maxBytes and counts them", async () => {
  const g = gated();
  const queue = new SerialQueue(g.run, { maxItems: 2, maxBytes: 100 });
  assert.equal(queue.push(1, 60), true);
  assert.equal(queue.push(2, 60), false); // bytes
  assert.equal(queue.push(3, 10), true);
  assert.equal(queue.push(4, 10), false); // items
  assert.equal(queue.refused, 2);
  assert.equal(queue.bytes, 70);
  await new Promise((r) => setImmediate(r));
  g.releases[0]!();
  await new Promise((r) => setImmediate(r));
  g.releases[1]!();
  await queue.close();
  assert.deepEqual(g.started, [1, 3]);
  assert.equal(queue.push(5), false); // closed
});

test("accepts one oversized item into an empty queue", async () => {
  const seen: number[] = [];
  const queue = new SerialQueue((n: number) => void seen.push(n), { maxBytes: 10 });
  assert.equal(queue.push(1, 1000), true);
  assert.equal(queue.push(2, 5), false);
  await queue.flush();
  assert.deepEqual(seen, [1]);
});

test("a failing run fails the queue: waiting items are discarded, flush and close reject", async () => {
  const seen: number[] = [];
  const errors: Error[] = [];
  const queue = new SerialQueue(
    (n: number) => {
      seen.push(n);
      if (n === 2) {
        throw new Error("disk full");
      }
    },
    { onError: (e) => errors.push(e) },
  );
  queue.push(1);
  queue.push(2);
  queue.push(3);
  await assert.rejects(queue.flush(), /disk full/);
  assert.deepEqual(seen, [1, 2]);
  assert.equal(errors.length, 1);
  assert.equal(queue.push(4), false);
  await assert.rejects(queue.close(), /disk full/);
});

test("clear discards waiting items and releases flush", async () => {
  const g = gated();
  const queue = new SerialQueue(g.run);
  queue.push(1);
  queue.push(2);
  await new Promise((r) => setImmediate(r));
  const flushed = queue.flush();
  queue.clear();
  g.releases[0]!();
  await flushed;
  assert.deepEqual(g.started, [1]);
  assert.equal(queue.push(3), false);
});

test("rejects invalid limits", () => {
  assert.throws(() => new SerialQueue(() => {}, { maxItems: 0 }), /maxItems/);
  assert.throws(() => new SerialQueue(() => {}, { maxBytes: Number.NaN }), /maxBytes/);
});
