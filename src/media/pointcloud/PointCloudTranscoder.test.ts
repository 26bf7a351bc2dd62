import assert from "node:assert/strict";
import { test } from "node:test";
import { decompressPointCloud } from "./decompressPointCloud.js";
import { loadDracoDecoder } from "./dracoModules.js";
import { FoxgloveError } from "../../core/FoxgloveError.js";
import { PointCloud } from "../../messages/index.js";
import { PointCloudTranscoder, type PointCloudTranscoderOptions } from "./PointCloudTranscoder.js";
import { PointCloudWorker } from "./PointCloudWorker.js";
import { syntheticLidarCloud } from "./syntheticLidarCloud.js";
import { makeCloud, protobufCloud, XYZ } from "./testing/clouds.js";

const cloud = (x: number) =>
  protobufCloud(makeCloud(12, XYZ, 1, (v, b) => v.setFloat32(b, x, true)));

function setup() {
  const delivered: [number, bigint][] = [];
  const failures: string[] = [];
  const decoder = loadDracoDecoder();
  const options: PointCloudTranscoderOptions = {
    topic: "/lidar",
    config: { format: "protobuf", options: { method: "sequential", quantizationBits: 12 } },
    deliver: (data, logTime) => {
      void decoder.then((d) => {
        const out = decompressPointCloud(d, data);
        delivered.push([
          new DataView(out.data.buffer, out.data.byteOffset).getFloat32(0, true),
          logTime,
        ]);
      });
    },
    fail: (message) => failures.push(message),
  };
  const transcoder = new PointCloudTranscoder(options);
  return { transcoder, delivered, failures, decoder, options };
}

test("push returns at once; one cloud is encoded, two wait, the oldest waiting one is dropped", async () => {
  const { transcoder, delivered, failures, decoder } = setup();
  const source = cloud(1);
  transcoder.push(source, 1n);
  source.fill(0); // the transcoder copied the message
  transcoder.push(cloud(2), 2n);
  transcoder.push(cloud(3), 3n);
  transcoder.push(cloud(4), 4n);
  assert.equal(transcoder.encoded, 0, "nothing is encoded inside push");
  await transcoder.idle();
  await decoder;
  await new Promise(setImmediate);
  assert.deepEqual(failures, []);
  assert.equal(transcoder.dropped, 1, "cloud 2 was dropped when cloud 4 arrived (queue of 2)");
  assert.deepEqual(delivered, [
    [1, 1n],
    [3, 3n],
    [4, 4n],
  ]);
});

test("two encoders run side by side and still deliver in logging order", async () => {
  const times: bigint[] = [];
  const transcoder = new PointCloudTranscoder({
    topic: "/lidar",
    config: { format: "protobuf", options: { method: "kdTree", quantizationBits: 12 } },
    encoders: 2,
    deliver: (_data, logTime) => times.push(logTime),
    fail: (message) => assert.fail(message),
  });
  // A large cloud first and a tiny one next, each in its own thread: the tiny one finishes
  // first but is delivered second.
  transcoder.push(PointCloud.encode(syntheticLidarCloud(1, { points: 100_000 })), 1n);
  transcoder.push(cloud(2), 2n);
  assert.equal(
    PointCloudWorker.shared().threads >= 2,
    true,
    "a second thread took the second cloud",
  );
  for (const t of [3n, 4n, 5n]) transcoder.push(cloud(Number(t)), t); // 3 waits, 4 waits, 5 drops 3
  await transcoder.idle();
  assert.deepEqual(times, [1n, 2n, 4n, 5n]);
  assert.equal(transcoder.dropped, 1);
  assert.equal(transcoder.encoded, 4);
});

test("encoders must be a positive integer", () => {
  for (const encoders of [0, 1.5, -1]) {
    assert.throws(
      () => new PointCloudTranscoder({ ...setup().options, encoders }),
      (e: unknown) => e instanceof FoxgloveError && e.code === "ERR_CONFIGURATION",
    );
  }
});

test("a Node Buffer the caller logs stays the caller's: copied, never detached by the worker", async () => {
  const { transcoder, delivered, decoder } = setup();
  const source = Buffer.alloc(cloud(5).byteLength); // owns its whole ArrayBuffer, as readFileSync's
  source.set(cloud(5));
  const before = Uint8Array.from(source);
  transcoder.push(source, 1n);
  await transcoder.idle();
  await decoder;
  assert.equal(source.buffer.byteLength > 0, true, "the caller's buffer is not detached");
  assert.deepEqual(Uint8Array.from(source), before);
  transcoder.push(source, 2n); // logging the same Buffer again works
  await transcoder.idle();
  await decoder;
  assert.deepEqual(
    delivered.map(([x]) => x),
    [5, 5],
  );
});

test("a malformed cloud produces the warning text and later clouds still flow", async () => {
  const { transcoder, delivered, failures, decoder } = setup();
  transcoder.push(new Uint8Array([0x25, 0, 0, 0, 0]), 1n); // point_stride 0
  await transcoder.idle();
  assert.deepEqual(failures, ["point cloud compression error on topic /lidar: point_stride is 0"]);
  transcoder.push(cloud(4), 2n);
  await transcoder.idle();
  await decoder;
  await new Promise(setImmediate);
  assert.deepEqual(delivered, [[4, 2n]]);
});

test("nothing is delivered after close", async () => {
  const { transcoder, delivered, failures } = setup();
  transcoder.push(cloud(5), 1n);
  transcoder.close();
  transcoder.push(cloud(6), 2n);
  await transcoder.idle();
  assert.deepEqual(delivered, []);
  assert.deepEqual(failures, []);
});
