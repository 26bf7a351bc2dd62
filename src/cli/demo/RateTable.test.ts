import assert from "node:assert/strict";
import { test } from "node:test";
import { formatRates, RateTable } from "./RateTable.js";

test("rates are measured per window; totals accumulate", () => {
  const r = new RateTable(0, ["/b"]);
  for (let i = 0; i < 50; i++) r.count("/a");
  r.count("/b", 2, 1);
  const first = r.sample(500);
  assert.deepEqual(first, [
    { topic: "/a", total: 50, hz: 100, lost: 0 },
    { topic: "/b", total: 2, hz: 4, lost: 1 },
  ]);
  r.count("/a", 10);
  const second = r.sample(1500);
  assert.equal(second[0]!.hz, 10);
  assert.equal(second[0]!.total, 60);
  assert.equal(second[1]!.hz, 0);
  const lines = formatRates(second);
  assert.match(lines[0]!, /^\s+\/a\s+10\.0 Hz\s+60 messages$/);
  assert.match(lines[1]!, /\(1 lost in transit\)$/);
});
