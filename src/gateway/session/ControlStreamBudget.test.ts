import assert from "node:assert/strict";
import { test } from "node:test";
import { ControlStreamBudget } from "./ControlStreamBudget.js";

test("refuses streams past the per-identity maximum, others unaffected", () => {
  const b = new ControlStreamBudget(2);
  assert.ok(b.tryOpen("a", () => {}));
  assert.ok(b.tryOpen("a", () => {}));
  assert.equal(
    b.tryOpen("a", () => {}),
    undefined,
  );
  assert.ok(b.tryOpen("b", () => {}));
  assert.equal(b.count("a"), 2);
  assert.equal(b.total, 3);
});

test("a released stream gives its place back; release is idempotent", () => {
  const b = new ControlStreamBudget(1);
  const t = b.tryOpen("a", () => {})!;
  t.release();
  t.release();
  assert.equal(b.count("a"), 0);
  const again = b.tryOpen("a", () => {});
  assert.ok(again);
  t.release(); // a stale ticket does not release the new stream
  assert.equal(b.count("a"), 1);
});

test("cancelAll cancels and releases every stream of one identity only", () => {
  const b = new ControlStreamBudget(3);
  const cancelled: string[] = [];
  const t1 = b.tryOpen("a", () => cancelled.push("a1"))!;
  b.tryOpen("a", () => cancelled.push("a2"));
  b.tryOpen("b", () => cancelled.push("b1"));
  assert.equal(b.cancelAll("a"), 2);
  assert.deepEqual(cancelled, ["a1", "a2"]);
  assert.equal(b.count("a"), 0);
  assert.equal(b.total, 1);
  t1.release(); // releasing after cancelAll is harmless
  assert.equal(b.cancelAll("a"), 0);
});

test("the maximum is at least 1", () => {
  const b = new ControlStreamBudget(0);
  assert.ok(b.tryOpen("a", () => {}));
  assert.equal(
    b.tryOpen("a", () => {}),
    undefined,
  );
});
