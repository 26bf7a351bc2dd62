import assert from "node:assert/strict";
import { test } from "node:test";
import { RttTracker } from "./RttTracker.js";
import { setLogger } from "../core/logger.js";

setLogger(undefined);

test("RTT: the first sample is excluded", () => {
  const t = new RttTracker("ping/pong");
  t.record(250);
  assert.equal(t.latest, 250);
  assert.equal(t.ewma, undefined);
});

test("RTT: the second sample initializes the EWMA with zero variance", () => {
  const t = new RttTracker("ping/pong");
  t.record(900);
  t.record(120);
  assert.equal(t.ewma, 120);
  assert.equal(t.stddev, 0);
});

test("RTT: the EWMA reacts to a spike", () => {
  const t = new RttTracker("ICE");
  for (let i = 0; i < 5; i++) {
    t.record(100);
  }
  t.record(500);
  assert.ok(Math.abs(t.ewma! - 220) < 1e-9);
  assert.ok(t.stddev > 0);
});
