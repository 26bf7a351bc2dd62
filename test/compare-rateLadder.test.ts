// The rate search of `npm run bench:compare` (bench/compare/rateLadder.ts), table by table.
import assert from "node:assert/strict";
import { test } from "node:test";
import { bestRate, nextProbeRate, type Probe } from "../bench/compare/rateLadder.js";

/** Runs the search against a channel that sustains rates up to `limit`. */
function search(limit: number, options: Parameters<typeof nextProbeRate>[1]): Probe[] {
  const history: Probe[] = [];
  for (let rate = nextProbeRate(history, options); rate !== undefined;) {
    history.push({ rate, passed: rate <= limit });
    rate = nextProbeRate(history, options);
  }
  return history;
}

test("climbs by the factor, then tries one geometric midpoint", () => {
  const h = search(5000, { startRate: 1000 });
  assert.deepEqual(
    h.map((p) => p.rate),
    [1000, 2000, 4000, 8000, 5657],
  );
  assert.equal(bestRate(h), 4000);
  const h2 = search(6000, { startRate: 1000 });
  assert.equal(bestRate(h2), 5657);
  assert.equal(h2.length, 5);
});

test("descends when the start rate already fails", () => {
  const h = search(300, { startRate: 1000 });
  assert.deepEqual(
    h.map((p) => p.rate),
    [1000, 500, 250],
  );
  assert.equal(bestRate(h), 250);
});

test("stops at maxProbes, maxRate and minRate", () => {
  assert.equal(search(1e9, { startRate: 10, maxProbes: 3 }).length, 3);
  const capped = search(1e9, { startRate: 100, maxRate: 300 });
  assert.deepEqual(
    capped.map((p) => p.rate),
    [100, 200, 300],
  );
  const none = search(0, { startRate: 8, minRate: 2 });
  assert.deepEqual(
    none.map((p) => p.rate),
    [8, 4, 2],
  );
  assert.equal(bestRate(none), undefined);
});

test("an empty history starts at the start rate, rounded and clamped", () => {
  assert.equal(nextProbeRate([], { startRate: 12.4 }), 12);
  assert.equal(nextProbeRate([], { startRate: 0.2, minRate: 1 }), 1);
  assert.equal(nextProbeRate([], { startRate: 1e6, maxRate: 5000 }), 5000);
});
