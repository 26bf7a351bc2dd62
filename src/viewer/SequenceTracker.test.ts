import assert from "node:assert/strict";
import { test } from "node:test";
import { SequenceTracker } from "./SequenceTracker.js";

test("counts gaps, wraps at 2^32, and ignores late or repeated frames", () => {
  const s = new SequenceTracker();
  assert.equal(s.observe(5), 0); // the first frame reveals nothing
  assert.equal(s.observe(6), 0);
  assert.equal(s.observe(9), 2);
  assert.equal(s.observe(8), 0); // late
  assert.equal(s.observe(9), 0); // repeated
  assert.equal(s.observe(10), 0);
  assert.equal(s.lost, 2);
  const w = new SequenceTracker();
  w.observe(0xffff_fffe);
  assert.equal(w.observe(0xffff_ffff), 0);
  assert.equal(w.observe(1), 1); // 0 was lost across the wrap
  assert.equal(w.lost, 1);
});
