import assert from "node:assert/strict";
import { test } from "node:test";
import { judgeDeviceLoss, reconnectDelay, STALL_MS } from "./reconnectPolicy.js";

test("reconnect waits double from 500 ms up to 10 s, without end by default", () => {
  const delays = [1, 2, 3, 4, 5, 6, 7, 100].map((a) => reconnectDelay(a));
  assert.deepEqual(delays, [500, 1000, 2000, 4000, 8000, 10_000, 10_000, 10_000]);
});

test("reconnect gives up after maxAttempts; custom delays", () => {
  const o = { initialDelayMs: 10, maxDelayMs: 25, maxAttempts: 3 };
  assert.deepEqual(
    [1, 2, 3, 4].map((a) => reconnectDelay(a, o)),
    [10, 20, 25, undefined],
  );
});

test("the device left only when our connection was fine and our process was not stalled", () => {
  assert.equal(judgeDeviceLoss({ connectionTrouble: false, stalledMs: 0 }), "deviceLeft");
  assert.equal(judgeDeviceLoss({ connectionTrouble: true, stalledMs: 0 }), "disconnected");
  assert.equal(judgeDeviceLoss({ connectionTrouble: false, stalledMs: STALL_MS }), "disconnected");
  assert.equal(
    judgeDeviceLoss({ connectionTrouble: false, stalledMs: STALL_MS - 1 }),
    "deviceLeft",
  );
});
