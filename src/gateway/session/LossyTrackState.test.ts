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
  assert.equal(t.decide(16), 0);
  now = 30_000;
  assert.deepEqual(t.decide(1000), {
    kind: "oversized",
    report: { droppedSinceLast: 2, sizeLimit: 16, lastSize: 1000 },
  });
});

test("the default limit is 100 KiB inclusive", () => {
  const t = new LossyTrackState(1);
  t.published = true;
  assert.equal(typeof t.decide(102400), "number");
  const over = t.decide(102401);
  assert.equal(typeof over === "object" && over.kind, "oversized");
});

test("messages before publication are dropped without consuming a sequence number", () => {
  const t = new LossyTrackState(1, 100);
  assert.deepEqual(t.decide(10), { kind: "notPublished" });
  t.published = true;
  assert.equal(t.decide(10), 0);
});

test("sequence numbers start at 0 and count frames whose push failed", () => {
  const t = new LossyTrackState(1, 100);
  t.published = true;
  assert.equal(typeof t.decide(1), "number");
  t.pushFailed();
  assert.equal(t.decide(1), 1);
  for (let i = 2; i < 5; i++) {
    t.decide(1);
  }
  assert.equal(t.nextSequence, 5);
});
