// Point-cloud compression for remote viewers: Draco encode time per cloud (the whole transcode:
// decode, prepare, encode, wrap), compression ratio, and the clouds per second one transcoder
// delivers when clouds are logged faster than it can encode (newest wins).
import {
  loadDracoEncoder,
  PointCloudTranscoder,
  syntheticLidarCloud,
  transcodePointCloud,
  type DracoMethod,
} from "../src/media/pointcloud/index.js";
import { PointCloud } from "../src/messages/index.js";
import { median, type BenchResult } from "./harness.js";

export default async function pointCloudBench(): Promise<BenchResult[]> {
  const draco = await loadDracoEncoder();
  const results: BenchResult[] = [];
  for (const points of [30_000, 100_000]) {
    const bytes = PointCloud.encode(syntheticLidarCloud(2.5, { points }));
    for (const method of ["kdTree", "sequential"] as DracoMethod[]) {
      const times: number[] = [];
      let size = 0;
      for (let i = 0; i < 9; i++) {
        const start = performance.now();
        size = transcodePointCloud(draco, "protobuf", bytes, { method }).length;
        times.push(performance.now() - start);
      }
      results.push({
        name: `transcode ${points} points, ${method}, 12 bits`,
        value: median(times),
        unit: "ms/cloud",
        detail: `${bytes.length} -> ${size} B, ratio ${(bytes.length / size).toFixed(1)}x, median of 9`,
      });
    }
  }
  // Delivered clouds/s: 30,000-point clouds logged at 20 Hz for 3 s into one transcoder.
  const bytes = PointCloud.encode(syntheticLidarCloud(1, { points: 30_000 }));
  let delivered = 0;
  const transcoder = new PointCloudTranscoder({
    topic: "/lidar",
    config: { format: "protobuf", options: { method: "kdTree", quantizationBits: 12 } },
    deliver: () => delivered++,
    fail: (message) => {
      throw new Error(message);
    },
  });
  const start = performance.now();
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      transcoder.push(bytes, 0n);
      if (performance.now() - start >= 3000) {
        clearInterval(timer);
        resolve();
      }
    }, 50);
  });
  await transcoder.idle();
  const seconds = (performance.now() - start) / 1000;
  results.push({
    name: "delivered 30,000-point clouds, logged at 20 Hz",
    value: delivered / seconds,
    unit: "clouds/s",
    detail: `${transcoder.dropped} stale clouds dropped of ${delivered + transcoder.dropped}`,
  });
  return results;
}
