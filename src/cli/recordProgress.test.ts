import assert from "node:assert/strict";
import { test } from "node:test";
import { formatElapsed, formatRecordProgress } from "./recordProgress.js";

test("formats messages, bytes, rate and elapsed time", () => {
  assert.equal(
    formatRecordProgress({
      messages: 1234,
      bytes: 1536 * 1024,
      rate: 250.4,
      elapsedMs: 65_400,
      dropped: 0,
    }),
    "1234 messages  1.5 MiB  250 msg/s  00:01:05",
  );
  assert.equal(
    formatRecordProgress({ messages: 0, bytes: 100, rate: 0, elapsedMs: 0, dropped: 3 }),
    "0 messages  100 bytes  0.0 msg/s  00:00:00  3 dropped",
  );
});

test("elapsed time rolls over minutes and hours", () => {
  assert.equal(formatElapsed(59_999), "00:00:59");
  assert.equal(formatElapsed(3_600_000 + 61_000), "01:01:01");
  assert.equal(formatElapsed(-5), "00:00:00");
});
