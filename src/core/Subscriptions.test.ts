import assert from "node:assert/strict";
import { test } from "node:test";
import { Subscriptions } from "./Subscriptions.js";

test("global and per-channel subscriptions stay disjoint and idempotent", () => {
  const subs = new Subscriptions();
  assert.deepEqual(subs.subscribeChannels(1, [10, 11, 10]), [10, 11]);
  assert.deepEqual(subs.subscribeChannels(1, [10]), []);
  assert.equal(subs.isSubscribed(1, 10), true);
  assert.equal(subs.isSubscribed(1, 12), false);

  // becoming global drops the per-channel entries; per-channel calls are then no-ops
  assert.equal(subs.subscribeGlobal(1), true);
  assert.equal(subs.subscribeGlobal(1), false);
  assert.deepEqual(subs.subscribeChannels(1, [12]), []);
  assert.deepEqual(subs.unsubscribeChannels(1, [10]), []);
  assert.equal(subs.isSubscribed(1, 12), true);
  assert.equal(subs.removeSink(1), "all");
  assert.equal(subs.isSubscribed(1, 10), false);

  subs.subscribeChannels(2, [10, 11]);
  subs.subscribeChannels(3, [10]);
  assert.deepEqual(subs.unsubscribeChannels(2, [11, 99]), [11]);
  subs.removeChannel(10);
  assert.equal(subs.isSubscribed(2, 10) || subs.isSubscribed(3, 10), false);
  assert.deepEqual(subs.removeSink(2), []);
  subs.subscribeChannels(4, [20, 21]);
  assert.deepEqual(subs.removeSink(4), [20, 21]);
  assert.equal(subs.isGlobal(4), false);
  subs.subscribeGlobal(5);
  subs.clear();
  assert.equal(subs.isSubscribed(5, 1), false);
});
