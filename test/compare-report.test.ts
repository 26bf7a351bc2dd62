// Figures, medians and tables of `npm run bench:compare` (bench/compare/report.ts).
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Measurement } from "../bench/compare/DeviceSession.js";
import {
  aggregate,
  figuresOf,
  figuresTable,
  fmt,
  formatSize,
  ratio,
  ratioTable,
  type Sample,
} from "../bench/compare/report.js";

function measurement(over: Partial<Measurement> = {}): Measurement {
  return {
    sent: 1000,
    seconds: 2,
    cpuSeconds: 0.5,
    peakRssBytes: 64 * 2 ** 20,
    viewers: [
      { received: 900, duplicates: 0, reordered: 0, bytes: 900 * 1024, p50Ms: 1, p99Ms: 10 },
      { received: 700, duplicates: 0, reordered: 0, bytes: 700 * 1024, p50Ms: 3, p99Ms: 30 },
    ],
    resets: 0,
    drainMs: 5,
    ...over,
  };
}

test("figuresOf: per-viewer means, median latencies, CPU and RSS", () => {
  const f = figuresOf(measurement())!;
  assert.equal(f.loggedPerSec, 500);
  assert.equal(f.deliveredPerSec, 400); // mean received 800 over 2 s
  assert.equal(f.deliveredMBps, (800 * 1024) / 2 / 1e6);
  assert.ok(Math.abs(f.lossPct - 20) < 1e-9);
  assert.equal(f.p50Ms, 2);
  assert.equal(f.p99Ms, 20);
  assert.equal(f.cpuPct, 25);
  assert.equal(f.cpuUsPerMsg, 500);
  assert.equal(f.peakRssMiB, 64);
  assert.equal(figuresOf(measurement({ error: "ERR_TIMEOUT: x" })), undefined);
  assert.equal(figuresOf(measurement({ viewers: [] })), undefined);
});

test("aggregate: medians per workload and gateway, failures counted apart", () => {
  const base = { qos: "lossy", size: 1024, viewers: 2, rate: 0, mode: "max" } as const;
  const samples: Sample[] = [
    { ...base, impl: "reference", m: measurement({ cpuSeconds: 1 }) },
    { ...base, impl: "ours", m: measurement({ cpuSeconds: 0.2 }) },
    { ...base, impl: "ours", m: measurement({ cpuSeconds: 0.4 }) },
    { ...base, impl: "ours", m: measurement({ cpuSeconds: 9 }) },
    { ...base, impl: "ours", m: measurement({ error: "ERR_IO: died" }) },
    { ...base, impl: "ours", mode: "paced", rate: 500, m: measurement() },
  ];
  const rows = aggregate(samples);
  assert.deepEqual(
    rows.map((r) => [r.impl, r.runs, r.failures]),
    [
      ["ours", 3, 1],
      ["reference", 1, 0],
      ["ours", 1, 0],
    ],
  );
  assert.equal(rows[0]!.figures!.cpuPct, 20); // median of 10, 20, 450 %
  const table = ratioTable(rows);
  assert.match(
    table,
    /\| lossy \| 1 KiB \| 2 \| max \/ max \| 1\.00 \| 1\.00 \| 1\.00 \| 0\.40 \| 1\.00 \|/,
  );
  assert.match(figuresTable(rows), /\| lossy \| 1 KiB \| 2 \| ours \| max \| 500 \| 400 \|/);
  assert.match(figuresTable(rows), /\| 3 \(\+1 failed\) \|/);
  assert.match(figuresTable(rows), /\| ours \| 500 \|/);
  assert.equal(ratioTable(rows).split("\n").length, 3); // header, rule, one matched workload
});

test("helpers: sizes, numbers and ratios", () => {
  assert.equal(formatSize(64), "64 B");
  assert.equal(formatSize(65536), "64 KiB");
  assert.equal(fmt(NaN), "–");
  assert.equal(fmt(undefined), "–");
  assert.equal(fmt(1234.5), "1,235");
  assert.equal(fmt(12.345), "12.3");
  assert.equal(fmt(1.2345), "1.23");
  assert.equal(ratio(1, 0), undefined);
  assert.equal(ratio(undefined, 1), undefined);
  assert.equal(ratio(3, 2), 1.5);
});
