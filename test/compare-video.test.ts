// Pure pieces of the video workload of `npm run bench:compare` and of bench/video.bench.ts: the
// barcoded scene, reading the index back from a decoded Y plane, frame statistics, the report.
import assert from "node:assert/strict";
import { test } from "node:test";
import { videoTable, type VideoSample } from "../bench/compare/videoWorkload.js";
import { FrameStats, readFrameIndex, VideoScene } from "../bench/videoFrames.js";
import { rawImageToI420 } from "../src/media/rawImageToI420.js";

test("the scene's barcode reads back from the I420 Y plane, also from a frame scaled down 2x", () => {
  const scene = new VideoScene(320, 96);
  for (const index of [1, 2, 300, 0x5a5a, 65_535]) {
    const rgb = scene.draw(index);
    const y = rawImageToI420({
      width: 320,
      height: 96,
      encoding: "rgb8",
      step: 960,
      data: rgb,
    }).data.subarray(0, 320 * 96);
    assert.equal(readFrameIndex(y, 320, 96, 96), index);
    const half = new Uint8Array(160 * 48);
    for (let r = 0; r < 48; r++) {
      for (let c = 0; c < 160; c++) half[r * 160 + c] = y[2 * r * 320 + 2 * c]!;
    }
    assert.equal(readFrameIndex(half, 160, 48, 96), index);
  }
  // Below the barcode: the gradient window moves by 4 pixels per frame.
  const a = scene.draw(1).slice(60 * 960, 60 * 960 + 30);
  const b = scene.draw(2).subarray(60 * 960, 60 * 960 + 30);
  assert.deepEqual([...b.subarray(0, 18)], [...a.subarray(12, 30)]);
});

test("FrameStats counts each logged frame once and measures fps and latency percentiles", () => {
  const stats = new FrameStats((i) => (i >= 1 && i <= 10 ? i * 100 : undefined));
  assert.deepEqual(stats.figures, { decoded: 0, fps: 0, p50: NaN, p99: NaN });
  for (let i = 1; i <= 10; i++) stats.add(i, i * 100 + (i === 10 ? 90 : 10));
  stats.add(3, 2000); // a repeat
  stats.add(0, 2000); // a misread barcode
  stats.add(11, 2000); // never logged
  const f = stats.figures;
  assert.equal(f.decoded, 10);
  assert.equal(f.fps, (9 * 1000) / (1090 - 110));
  assert.equal(f.p50, 10);
  assert.equal(f.p99, 90);
  assert.deepEqual(stats.missing(10), []);
  const gaps = new FrameStats(() => 0);
  for (const i of [2, 3, 6]) gaps.add(i, 1);
  assert.deepEqual(gaps.missing(8), [1, 4, 5, 7, 8]);
  assert.deepEqual(gaps.missing(8, 2), [1, 4]);
});

test("videoTable: each run, medians, ratios and the verdicts", () => {
  const sample = (impl: VideoSample["impl"], fps: number, p50: number, cpu: number) => ({
    impl,
    fps,
    p50,
    p99: p50 * 2,
    decoded: 300,
    sent: 300,
    cpuPercent: cpu,
    sizes: ["1280x720"],
    missing: [],
  });
  const table = videoTable([
    sample("ours", 30, 20, 30),
    sample("reference", 29, 25, 20),
    sample("ours", 29.5, 22, 34),
    sample("reference", 30, 30, 22),
    sample("ours", 28, 40, 32),
    sample("reference", 29.5, 28, 21),
  ]);
  const lines = table.split("\n");
  assert.equal(
    lines[2],
    "| ours | 30.0 / 29.5 / 28.0 (**29.5**) | 20 / 22 / 40 (**22**) | 40 / 44 / 80 (**44**) | 30 / 34 / 32 (**32**) |",
  );
  assert.match(lines[4]!, /^\| ours \/ reference \| 1\.00 \| 0\.79 \| 0\.79 \| 1\.52 \|$/);
  assert.match(
    table,
    /p50 and p99 ≤ its\): \*\*met\*\*; device CPU ≤ the reference's: \*\*not met\*\*/,
  );
  assert.match(table, /Decoded sizes: 1280x720\./);
});
