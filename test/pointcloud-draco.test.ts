// Our Draco point clouds decoded by an independent decoder (DracoPy over Google's native C++
// Draco): the same points within the quantization error, integer fields exact, names kept.
import assert from "node:assert/strict";
import { before, test } from "node:test";
import {
  loadDracoEncoder,
  readProtobufCompressedPointCloud,
  syntheticLidarCloud,
  transcodePointCloud,
  type DracoEncoderModule,
} from "../src/media/pointcloud/index.js";
import { PointCloud } from "../src/messages/index.js";
import { decodeWithDracoPy, ensureDracoPy } from "./helpers/dracoPy.js";

let python: string;
let encoder: DracoEncoderModule;
before(async () => {
  [python, encoder] = await Promise.all([ensureDracoPy(), loadDracoEncoder()]);
});

test("a transcoded lidar cloud decodes with DracoPy to the same points within the quantization error", async () => {
  const cloud = syntheticLidarCloud(3.25, { points: 2000, rings: 16 });
  const view = new DataView(cloud.data.buffer);
  const n = cloud.data.length / cloud.point_stride;
  const source = Array.from({ length: n }, (_, p) => ({
    xyz: [0, 4, 8].map((o) => view.getFloat32(p * cloud.point_stride + o, true)),
    intensity: view.getUint8(p * cloud.point_stride + 12),
    ring: view.getUint8(p * cloud.point_stride + 13),
  }));
  const bytes = PointCloud.encode(cloud);
  const cases = [
    { method: "kdTree", quantizationBits: 12 },
    { method: "kdTree", quantizationBits: 20 },
    { method: "sequential", quantizationBits: 12 },
    { method: "sequential", quantizationBits: 30 },
  ] as const;
  const streams = cases.map(
    (options) =>
      readProtobufCompressedPointCloud(transcodePointCloud(encoder, "protobuf", bytes, options))
        .data,
  );
  const decoded = await decodeWithDracoPy(python, streams);
  const extent = (k: number) =>
    Math.max(...source.map((s) => s.xyz[k]!)) - Math.min(...source.map((s) => s.xyz[k]!));
  const range = Math.max(extent(0), extent(1), extent(2));

  cases.forEach((options, i) => {
    const out = decoded[i]!;
    const label = `${options.method} ${options.quantizationBits}`;
    assert.equal(out.points.length, n, label);
    assert.deepEqual(Object.keys(out.attributes).sort(), ["intensity", "ring"], label);
    const bits = Math.min(options.quantizationBits, 28);
    const tolerance = range / 2 ** bits + 1e-4;
    // kd-tree reorders points: match each decoded point to its nearest source point in its ring
    const byRing = new Map<number, typeof source>();
    for (const s of source) byRing.set(s.ring, [...(byRing.get(s.ring) ?? []), s]);
    let worst = 0;
    out.points.forEach((xyz, p) => {
      const ring = out.attributes.ring![p]!;
      const candidates = byRing.get(ring);
      assert.ok(candidates, `${label}: ring ${ring} exists`);
      let best = Infinity;
      for (const s of candidates) {
        best = Math.min(best, Math.max(...xyz.map((v, k) => Math.abs(v - s.xyz[k]!))));
      }
      worst = Math.max(worst, best);
    });
    assert.ok(worst <= tolerance, `${label}: worst error ${worst} > ${tolerance}`);
    if (options.method === "sequential") {
      // sequential keeps point order: compare one to one; integer fields are exact
      out.points.forEach((xyz, p) => {
        xyz.forEach((v, k) =>
          assert.ok(Math.abs(v - source[p]!.xyz[k]!) <= tolerance, `${label} p${p}`),
        );
        assert.equal(out.attributes.ring![p], source[p]!.ring);
        assert.equal(out.attributes.intensity![p], source[p]!.intensity);
      });
    }
  });
});
