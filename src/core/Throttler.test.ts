import assert from "node:assert/strict";
import { test } from "node:test";
import { Throttler } from "./Throttler.js";

test("Throttler allows once per interval and counts what it suppressed", () => {
  let now = 1000;
  const t = new Throttler(10, () => now);
  assert.equal(t.tryAcquire(), 0);
  assert.equal(t.tryAcquire(), undefined);
  now += 9;
  assert.equal(t.tryAcquire(), undefined);
  now += 1;
  assert.equal(t.tryAcquire(), 2);
  assert.equal(t.tryAcquire(), undefined);
});
