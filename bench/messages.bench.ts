// ns per encode() of well-known messages, protobuf and JSON.
import * as M from "../src/messages/index.js";
import { nsPerOp, type BenchResult } from "./harness.js";

const time = { sec: 1_700_000_000, nsec: 123_456_789 };
const pose = { position: { x: 1, y: 2, z: 3 }, orientation: { x: 0, y: 0, z: 0, w: 1 } };

export default function messagesBench(): BenchResult[] {
  const image: M.CompressedImage = {
    timestamp: time,
    frame_id: "camera",
    data: new Uint8Array(100 * 1024).map((_, i) => i & 0xff),
    format: "jpeg",
  };
  const scene: M.SceneUpdate = {
    deletions: [],
    entities: [
      {
        timestamp: time,
        frame_id: "map",
        id: "boxes",
        lifetime: { sec: 0, nsec: 0 },
        frame_locked: false,
        metadata: [],
        arrows: [],
        cubes: Array.from({ length: 10 }, (_, i) => ({
          pose: { ...pose, position: { x: i, y: 0, z: 0 } },
          size: { x: 1, y: 1, z: 1 },
          color: { r: 1, g: 0, b: 0, a: 1 },
        })),
        spheres: [],
        cylinders: [],
        lines: [],
        triangles: [],
        texts: [],
        models: [],
      },
    ],
  };
  const results: BenchResult[] = [];
  const run = (name: string, fn: () => Uint8Array, iterations: number): void => {
    const size = fn().length;
    results.push({
      name,
      value: nsPerOp((n) => {
        for (let i = 0; i < n; i++) fn();
      }, iterations),
      unit: "ns/encode",
      detail: `${size} B output, median of 7 runs x ${iterations}`,
    });
  };
  run("CompressedImage 100 KiB, protobuf", () => M.CompressedImage.encode(image), 5_000);
  run("CompressedImage 100 KiB, JSON (base64)", () => M.CompressedImageJson.encode(image), 500);
  run("SceneUpdate 10 cubes, protobuf", () => M.SceneUpdate.encode(scene), 50_000);
  run("SceneUpdate 10 cubes, JSON", () => M.SceneUpdateJson.encode(scene), 20_000);
  return results;
}
