import assert from "node:assert/strict";
import { test } from "node:test";
import { PingTracker } from "./PingTracker.js";

test("pings get unique timestamps and resolve with the monotonic round trip", async () => {
  let mono = 100;
  const t = new PingTracker({ wallMs: () => 1000, monotonicMs: () => mono });
  const a = t.start(1000);
  const b = t.start(1000);
  assert.equal(a.appTimestamp, 1000n);
  assert.equal(b.appTimestamp, 1001n);
  mono = 112.5;
  assert.equal(t.pong(1001n), 12.5);
  assert.equal(await b.rttMs, 12.5);
  assert.equal(t.pong(1001n), undefined); // already answered
  assert.equal(t.pong(7n), undefined);
  assert.equal(t.pending, 1);
  t.failAll(new Error("gone"));
  await assert.rejects(a.rttMs, /gone/);
  assert.equal(t.pending, 0);
});

test("a ping without a pong times out with ERR_TIMEOUT", async () => {
  const t = new PingTracker();
  const { rttMs, appTimestamp } = t.start(10);
  await assert.rejects(rttMs, { code: "ERR_TIMEOUT" });
  assert.equal(t.pong(appTimestamp), undefined);
});
