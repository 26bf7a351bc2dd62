import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { idleExpired, nextIdleSince } from "./idleTimer.js";

describe("idle timer", () => {
  test("a session with no viewer is idle from its start", () => {
    assert.equal(nextIdleSince(undefined, 0, 100), 100);
  });

  test("staying without viewers keeps the original start", () => {
    assert.equal(nextIdleSince(100, 0, 900), 100);
  });

  test("a viewer clears the idle period; leaving starts a new one", () => {
    assert.equal(nextIdleSince(100, 1, 200), undefined);
    assert.equal(nextIdleSince(undefined, 0, 300), 300);
  });

  test("expires exactly at start + wait", () => {
    assert.equal(idleExpired(100, 5099, 5000), false);
    assert.equal(idleExpired(100, 5100, 5000), true);
  });

  test("never expires while viewers are present", () => {
    assert.equal(idleExpired(undefined, 1e12, 5000), false);
  });
});
