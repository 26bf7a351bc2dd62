// Pure pieces of `npm run bench:compare`: payload layout, viewer counters, device event parsing.
import assert from "node:assert/strict";
import { test } from "node:test";
import { parseDeviceEvent } from "../bench/compare/deviceEvents.js";
import { makePayload, Phase, readPayload, wallNanos } from "../bench/compare/payload.js";
import { ViewerStats } from "../bench/compare/ViewerStats.js";
import { deviceArgs, workloadLabel } from "../bench/compare/workload.js";

test("payload: the header round-trips and matches the Python struct layout <QQB", () => {
  const p = makePayload(64, 2 ** 40 + 5, 1_795_000_000_123_456_789n, Phase.Measured);
  assert.equal(p.length, 64);
  assert.deepEqual(readPayload(p), {
    seq: 2 ** 40 + 5,
    timeNs: 1_795_000_000_123_456_789n,
    phase: 1,
  });
  assert.deepEqual([...p.subarray(0, 8)], [5, 0, 0, 0, 0, 1, 0, 0]);
  assert.ok(p.subarray(17).every((b) => b === 0));
  assert.equal(readPayload(p.subarray(0, 16)), undefined);
});

test("wallNanos is the wall clock with sub-millisecond steps", () => {
  const a = wallNanos();
  const diff = a - BigInt(Date.now()) * 1_000_000n;
  assert.ok(diff > -5_000_000n && diff < 5_000_000n, `off by ${diff} ns`);
  assert.ok(wallNanos() >= a);
});

test("ViewerStats counts distinct, duplicate and reordered messages and missing ranges", () => {
  const s = new ViewerStats();
  for (const seq of [0, 1, 2, 5, 4, 4, 9, 40_000]) s.record(seq, 10, BigInt(seq) * 1000n);
  const sum = s.summary();
  assert.equal(sum.received, 7);
  assert.equal(sum.duplicates, 1);
  assert.equal(sum.reordered, 1); // 4 after 5
  assert.equal(sum.bytes, 70);
  assert.equal(sum.p50Ms, 0.004);
  assert.deepEqual(s.missingRanges(11), [
    [3, 3],
    [6, 8],
    [10, 10],
  ]);
  assert.ok(Number.isNaN(new ViewerStats().summary().p99Ms));
});

test("parseDeviceEvent accepts well-formed events and ignores anything else", () => {
  assert.deepEqual(parseDeviceEvent('{"event":"subscribers","count":2}'), {
    event: "subscribers",
    count: 2,
  });
  const result = parseDeviceEvent(
    '{"event":"result","sent":5,"seconds":1.0,"cpuSeconds":0.1,"peakRssBytes":100}',
  );
  assert.equal(result?.event, "result");
  for (const bad of [
    "not json",
    "[]",
    "null",
    '{"event":"bogus"}',
    '{"event":"result","sent":"5","seconds":1,"cpuSeconds":0,"peakRssBytes":0}',
    '{"event":"status"}',
    '{"event":"warmed"}',
  ]) {
    assert.equal(parseDeviceEvent(bad), undefined, bad);
  }
});

test("workload helpers", () => {
  assert.deepEqual(deviceArgs("reliable", "x"), [
    "--topic",
    "/bench",
    "--qos",
    "reliable",
    "--name",
    "x",
  ]);
  assert.equal(workloadLabel({ qos: "lossy", size: 16384, viewers: 4 }), "lossy 16 KiB x4");
});
