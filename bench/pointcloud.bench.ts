// Point-cloud compression for remote viewers: CPU per cloud of the whole transcode (decode,
// prepare, encode, wrap) and of the Draco encode alone, compression ratio, and the clouds per
// second one transcoder delivers when clouds are logged faster than it can encode (a queue of
// two, the oldest dropped).
import {
  decodePointCloudInput,
  encodeDraco,
  loadDracoEncoder,
  PointCloudTranscoder,
  prepareForDraco,
  syntheticLidarCloud,
  transcodePointCloud,
  type DracoMethod,
} from "../src/media/pointcloud/index.js";
import { PointCloud } from "../src/messages/index.js";
import { median, type BenchResult } from "./harness.js";

/** CPU time of this process since `before`, ms (the bench runs on this thread only). */
function cpuMs(before: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(before);
  return (d.user + d.system) / 1000;
}

export default async function pointCloudBench(): Promise<BenchResult[]> {
  const draco = await loadDracoEncoder();
  const results: BenchResult[] = [];
  const runs: [number, DracoMethod, number][] = [
    [30_000, "kdTree", 12],
    [30_000, "sequential", 12],
    [100_000, "kdTree", 12],
    [100_000, "kdTree", 8],
    [100_000, "sequential", 12],
  ];
  for (const [points, method, quantizationBits] of runs) {
    const bytes = PointCloud.encode(syntheticLidarCloud(2.5, { points }));
    const options = { method, quantizationBits };
    transcodePointCloud(draco, "protobuf", bytes, options); // warm-up
    const cpu: number[] = [];
    const wall: number[] = [];
    const encodeCpu: number[] = [];
    let size = 0;
    const prepared = prepareForDraco(decodePointCloudInput("protobuf", bytes));
    for (let i = 0; i < 9; i++) {
      const start = performance.now();
      const before = process.cpuUsage();
      size = transcodePointCloud(draco, "protobuf", bytes, options).length;
      cpu.push(cpuMs(before));
      wall.push(performance.now() - start);
      const encodeBefore = process.cpuUsage();
      encodeDraco(draco, prepared, options);
      encodeCpu.push(cpuMs(encodeBefore));
    }
    results.push({
      name: `transcode ${points} points, ${method}, ${quantizationBits} bits`,
      value: median(cpu),
      unit: "ms CPU/cloud",
      detail: `${bytes.length} -> ${size} B, ratio ${(bytes.length / size).toFixed(1)}x; Draco encode alone ${median(encodeCpu).toFixed(1)} ms CPU; wall ${median(wall).toFixed(1)} ms; medians of 9`,
    });
  }
  // Delivered clouds/s when clouds come faster than one encoder: 100,000-point clouds logged at
  // 40 Hz for 3 s into one transcoder, with one and with two encoders.
  const bytes = PointCloud.encode(syntheticLidarCloud(1, { points: 100_000 }));
  for (const encoders of [1, 2]) {
    let delivered = 0;
    const failures: string[] = [];
    const transcoder = new PointCloudTranscoder({
      topic: "/lidar",
      config: { format: "protobuf", options: { method: "kdTree", quantizationBits: 12 } },
      encoders,
      deliver: () => delivered++,
      fail: (message) => failures.push(message),
    });
    const start = performance.now();
    const before = process.cpuUsage();
    let logged = 0;
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        transcoder.push(bytes, BigInt(logged++));
        if (performance.now() - start >= 3000) {
          clearInterval(timer);
          resolve();
        }
      }, 25);
    });
    await transcoder.idle();
    const seconds = (performance.now() - start) / 1000;
    if (failures.length > 0) throw new Error(failures[0]);
    results.push({
      name: `delivered 100,000-point clouds logged at 40 Hz, ${encoders} encoder(s)`,
      value: delivered / seconds,
      unit: "clouds/s",
      detail: `${transcoder.dropped} of ${logged} dropped unencoded; process CPU ${(cpuMs(before) / delivered).toFixed(1)} ms per delivered cloud`,
    });
  }
  return results;
}
