// Figures, medians, verdict and table of the point-cloud workload (bench/compare/cloudReport.ts).
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  cloudFigures,
  cloudTable,
  cloudVerdict,
  medianCloudFigures,
  type CloudSample,
} from "../bench/compare/cloudReport.js";

function sample(over: Partial<CloudSample> = {}): CloudSample {
  return {
    impl: "ours",
    sent: 50,
    seconds: 5,
    cpuSeconds: 2.5,
    delivered: 40,
    deliveredBytes: 40 * 100_000,
    rawBytes: 1_400_000,
    ...over,
  };
}

test("cloudFigures: CPU per logged cloud, bytes per delivered cloud, ratio, rates", () => {
  const f = cloudFigures(sample());
  assert.equal(f.cpuMsPerCloud, 50);
  assert.equal(f.cpuMsPerDelivered, 62.5);
  assert.equal(f.compressedBytes, 100_000);
  assert.equal(f.compressionRatio, 14);
  assert.equal(f.deliveredPerSec, 8);
  assert.equal(f.deliveredShare, 0.8);
  assert.equal(f.loggedPerSec, 10);
});

test("cloudFigures: nothing delivered leaves size and ratio unknown, not zero", () => {
  const f = cloudFigures(sample({ delivered: 0, deliveredBytes: 0 }));
  assert.ok(Number.isNaN(f.compressedBytes));
  assert.ok(Number.isNaN(f.compressionRatio));
  assert.equal(f.deliveredPerSec, 0);
});

test("medianCloudFigures: medians per gateway over its phases, ignoring unknown figures", () => {
  const samples = [
    sample({ cpuSeconds: 1 }),
    sample({ cpuSeconds: 3, delivered: 0, deliveredBytes: 0 }),
    sample({ cpuSeconds: 2 }),
    sample({ impl: "reference", cpuSeconds: 10 }),
  ];
  const ours = medianCloudFigures(samples, "ours")!;
  assert.equal(ours.cpuMsPerCloud, 40);
  assert.equal(ours.compressedBytes, 100_000, "the phase without deliveries is skipped");
  assert.equal(ours.deliveredPerSec, 8);
  assert.equal(medianCloudFigures(samples, "reference")!.cpuMsPerCloud, 200);
  assert.equal(medianCloudFigures([sample()], "reference"), undefined);
});

test("cloudVerdict: met at equal delivery and up to 2x the CPU; missed otherwise", () => {
  const f = (cpu: number, rate: number) =>
    cloudFigures(sample({ cpuSeconds: (cpu * 50) / 1000, delivered: rate * 5 }));
  assert.deepEqual(cloudVerdict(f(100, 10), f(50, 10)), {
    met: true,
    deliveredRatio: 1,
    cpuRatio: 2,
  });
  assert.equal(cloudVerdict(f(101, 10), f(50, 10)).met, false, "more than 2x the CPU");
  assert.equal(cloudVerdict(f(10, 9), f(50, 10)).met, false, "fewer clouds delivered");
  assert.equal(cloudVerdict(f(10, 0), f(50, 0)).met, false, "no delivery to compare");
  assert.equal(cloudVerdict(undefined, f(50, 10)).met, false);
  // Every logged cloud delivered by both: met, though our device timed its phase 4 ms longer.
  const all = (impl: CloudSample["impl"], seconds: number) =>
    cloudFigures(sample({ impl, seconds, delivered: 50 }));
  assert.equal(cloudVerdict(all("ours", 5.004), all("reference", 5)).met, true);
});

test("cloudTable: one row per gateway, the ratio row and the verdict line", () => {
  const text = cloudTable([
    sample({ cpuSeconds: 1 }),
    sample({ impl: "reference", cpuSeconds: 2, delivered: 50, deliveredBytes: 50 * 80_000 }),
  ]);
  const lines = text.split("\n");
  assert.match(
    lines[2]!,
    /^\| ours \| 20\.0 \| 25\.0 \| 100,000 \| 14\.0 \| 10\.0 \| 8\.0 \| 1 \|$/,
  );
  assert.match(
    lines[3]!,
    /^\| reference \| 40\.0 \| 40\.0 \| 80,000 \| 17\.5 \| 10\.0 \| 10\.0 \| 1 \|$/,
  );
  assert.match(
    lines[4]!,
    /^\| ours \/ reference \| 0\.50 \| 0\.63 \| 1\.25 \| 0\.80 \| 1\.00 \| 0\.80 \| \|$/,
  );
  assert.match(text, /\*\*not met\*\* \(delivered 0\.80x, CPU 0\.50x\)/);
});
