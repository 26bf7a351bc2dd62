import assert from "node:assert/strict";
import { test } from "node:test";
import { buildDropStatus, DropWarnings, formatByteSize } from "./DropWarnings.js";

test("a drop status has warning level, a stable ID and the message", () => {
  assert.deepEqual(buildDropStatus(7, "/points", { droppedSinceLast: 3, sizeLimit: 102400 }), {
    op: "status",
    level: 1,
    id: "channel-drops-7",
    message: "Dropped 3 messages on topic /points: exceeds 100 KiB per-message size limit",
  });
});

test("a drop status uses the singular for one dropped message", () => {
  assert.equal(
    buildDropStatus(1, "/a", { droppedSinceLast: 1, sizeLimit: 1200 }).message,
    "Dropped 1 message on topic /a: exceeds 1.17 KiB per-message size limit",
  );
});

test("byte sizes render in binary units with up to two decimals", () => {
  assert.equal(formatByteSize(512), "512 bytes");
  assert.equal(formatByteSize(1200), "1.17 KiB");
  assert.equal(formatByteSize(1536), "1.5 KiB");
  assert.equal(formatByteSize(102400), "100 KiB");
  assert.equal(formatByteSize(2 * 1024 * 1024), "2 MiB");
  assert.equal(formatByteSize(1024), "1 KiB");
  assert.equal(formatByteSize(3 * 1024 ** 3), "3 GiB");
});

test("drainExpired removes only entries idle for the quiet period (inclusive)", () => {
  let now = 0;
  const w = new DropWarnings(() => now);
  w.record(1, "/a", { droppedSinceLast: 1, sizeLimit: 1200 });
  now = 10_000;
  w.record(2, "/b", { droppedSinceLast: 1, sizeLimit: 1200 });
  now = 60_000;
  assert.deepEqual(w.drainExpired(), ["channel-drops-1"]);
  assert.equal(w.active(1), undefined);
  assert.equal(w.active(2)?.id, "channel-drops-2");
});

test("drainExpired is a no-op when every warning is fresh", () => {
  let now = 0;
  const w = new DropWarnings(() => now);
  w.record(1, "/a", { droppedSinceLast: 2, sizeLimit: 1200 });
  now = 59_999;
  assert.deepEqual(w.drainExpired(), []);
  assert.ok(w.active(1));
});

test("a new report refreshes the warning and its idle clock", () => {
  let now = 0;
  const w = new DropWarnings(() => now);
  w.record(1, "/a", { droppedSinceLast: 1, sizeLimit: 1200 });
  now = 50_000;
  const s = w.record(1, "/a", { droppedSinceLast: 5, sizeLimit: 1200 });
  assert.match(s.message, /Dropped 5 messages/);
  assert.equal(w.active(1), s);
  now = 100_000;
  assert.deepEqual(w.drainExpired(), []);
});

test("activeIds lists only channels with a warning; forget removes it", () => {
  const w = new DropWarnings(() => 0);
  w.record(3, "/c", { droppedSinceLast: 1, sizeLimit: 2000 });
  assert.deepEqual(w.activeIds([1, 3]), ["channel-drops-3"]);
  assert.equal(w.forget(3), true);
  assert.equal(w.forget(3), false);
  assert.deepEqual(w.activeIds([3]), []);
});
