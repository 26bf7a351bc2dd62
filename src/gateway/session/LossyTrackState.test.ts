import assert from "node:assert/strict";
import { test } from "node:test";
import { setLogger } from "../../core/logger.js";
import { LossyTrackState } from "./LossyTrackState.js";

setLogger(undefined);

test("an oversized message is dropped and counted; later ones are throttled", () => {
  let now = 0;
  const t = new LossyTrackState(1, 16, () => now);
  t.published = true;
  assert.deepEqual(t.decide(17), {
    kind: "oversized",
    report: { droppedSinceLast: 1, sizeLimit: 16, lastSize: 17 },
  });
  assert.deepEqual(t.decide(17), { kind: "oversized", report: undefined });
  assert.deepEqual(t.decide(16), { kind: "send", sequence: 0 });
  now = 30_000;
  assert.deepEqual(t.decide(1000), {
    kind: "oversized",
    report: { droppedSinceLast: 2, sizeLimit: 16, lastSize: 1000 },
  });
});

test("the default limit is 100 KiB inclusive", () => {
  const t = new LossyTrackState(1);
  t.published = true;
  assert.equal(t.decide(102400).kind, "send");
  assert.equal(t.decide(102401).kind, "oversized");
});

test("messages before publication are dropped without consuming a sequence number", () => {
  const t = new LossyTrackState(1, 100);
  assert.deepEqual(t.decide(10), { kind: "notPublished" });
  t.published = true;
  assert.deepEqual(t.decide(10), { kind: "send", sequence: 0 });
});

test("sequence numbers start at 0 and count frames whose push failed", () => {
  const t = new LossyTrackState(1, 100);
  t.published = true;
  assert.equal(t.decide(1).kind, "send");
  t.pushFailed();
  assert.deepEqual(t.decide(1), { kind: "send", sequence: 1 });
  for (let i = 2; i < 5; i++) {
    t.decide(1);
  }
  assert.equal(t.nextSequence, 5);
});
