import assert from "node:assert/strict";
import { test } from "node:test";
import { decompressPointCloud } from "./decompressPointCloud.js";
import { loadDracoDecoder } from "./dracoModules.js";
import { PointCloudTranscoder } from "./PointCloudTranscoder.js";
import { makeCloud, protobufCloud, XYZ } from "./testing/clouds.js";

const cloud = (x: number) =>
  protobufCloud(makeCloud(12, XYZ, 1, (v, b) => v.setFloat32(b, x, true)));

function setup() {
  const delivered: [number, bigint][] = [];
  const failures: string[] = [];
  const decoder = loadDracoDecoder();
  const transcoder = new PointCloudTranscoder({
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
  });
  return { transcoder, delivered, failures, decoder };
}

test("push returns at once; one cloud is encoded, the newest waiting one wins, stale ones are dropped", async () => {
  const { transcoder, delivered, failures, decoder } = setup();
  const source = cloud(1);
  transcoder.push(source, 1n);
  source.fill(0); // the transcoder copied the message
  transcoder.push(cloud(2), 2n);
  transcoder.push(cloud(3), 3n);
  assert.equal(transcoder.encoded, 0, "nothing is encoded inside push");
  await transcoder.idle();
  await decoder;
  await new Promise(setImmediate);
  assert.deepEqual(failures, []);
  assert.equal(transcoder.dropped, 1, "cloud 2 was replaced while cloud 1 was being encoded");
  assert.deepEqual(delivered, [
    [1, 1n],
    [3, 3n],
  ]);
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
