// Decodes what the generated protobuf encoders write with a decoder built independently from
// the schema bytes (protobufjs Root.fromDescriptor over the FileDescriptorSet), not from the
// generator's own protobufjs objects.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import protobuf from "protobufjs";
import descriptor from "protobufjs/ext/descriptor.js";
import type { Encoder } from "../core/Encoder.js";
import * as M from "./index.js";

function decode<T>(encoder: Encoder<T>, message: T): Record<string, unknown> {
  const schema = encoder.schema!;
  assert.equal(encoder.messageEncoding, "protobuf");
  assert.equal(schema.encoding, "protobuf");
  const root = protobuf.Root.fromDescriptor(schema.data, { keepCase: true });
  const type = root.lookupType(schema.name);
  const bytes = encoder.encode(message);
  assert.ok(bytes instanceof Uint8Array);
  const decoded = type.decode(bytes);
  return type.toObject(decoded, { longs: Number, enums: Number, bytes: Array });
}

const time = { sec: 1_700_000_123, nsec: 456_789 };
const ts = { seconds: time.sec, nanos: time.nsec };

describe("protobuf encoders", () => {
  test("CompressedImage: time, string, bytes", () => {
    const data = Uint8Array.from({ length: 300 }, (_, i) => (i * 7) & 0xff);
    const out = decode(M.CompressedImage, {
      timestamp: time,
      frame_id: "camera",
      data,
      format: "jpeg",
    });
    assert.deepEqual(out, { timestamp: ts, frame_id: "camera", data: [...data], format: "jpeg" });
    assert.equal(M.CompressedImage.schema?.name, "foxglove.CompressedImage");
  });

  test("SceneUpdate: nested and repeated messages, enums, durations, bytes, bools", () => {
    const out = decode(M.SceneUpdate, {
      deletions: [{ timestamp: time, type: M.SceneEntityDeletionType.ALL, id: "old" }],
      entities: [
        {
          timestamp: time,
          frame_id: "map",
          id: "e1",
          lifetime: { sec: 2, nsec: 500 },
          frame_locked: true,
          metadata: [
            { key: "a", value: "1" },
            { key: "b", value: "2" },
          ],
          arrows: [],
          cubes: [
            {
              pose: {
                position: { x: 1, y: -2, z: 3.5 },
                orientation: { x: 0, y: 0, z: 0, w: 1 },
              },
              size: { x: 1, y: 1, z: 1 },
              color: { r: 1, g: 0.5, b: 0, a: 1 },
            },
          ],
          spheres: [],
          cylinders: [],
          lines: [
            {
              type: M.LineType.LINE_LIST,
              pose: { position: { x: 0, y: 0, z: 0 }, orientation: { x: 0, y: 0, z: 0, w: 1 } },
              thickness: 0.1,
              scale_invariant: true,
              points: [
                { x: 0, y: 0, z: 0 },
                { x: 1, y: 1, z: 1 },
              ],
              color: { r: 0, g: 0, b: 1, a: 1 },
              colors: [],
              indices: [0, 1, 4_000_000_000],
            },
          ],
          triangles: [],
          texts: [],
          models: [
            {
              pose: { position: { x: 0, y: 0, z: 0 }, orientation: { x: 0, y: 0, z: 0, w: 1 } },
              scale: { x: 1, y: 1, z: 1 },
              color: { r: 0, g: 0, b: 0, a: 0 },
              override_color: false,
              url: "",
              media_type: "model/gltf-binary",
              data: new Uint8Array([0x67, 0x6c, 0x54, 0x46]),
            },
          ],
        },
      ],
    });
    const entity = (out.entities as Record<string, unknown>[])[0]!;
    assert.deepEqual(out.deletions, [{ timestamp: ts, type: 1, id: "old" }]);
    assert.deepEqual(entity.lifetime, { seconds: 2, nanos: 500 });
    assert.equal(entity.frame_locked, true);
    assert.deepEqual(entity.metadata, [
      { key: "a", value: "1" },
      { key: "b", value: "2" },
    ]);
    assert.deepEqual(entity.cubes, [
      {
        pose: { position: { x: 1, y: -2, z: 3.5 }, orientation: { w: 1 } },
        size: { x: 1, y: 1, z: 1 },
        color: { r: 1, g: 0.5, a: 1 },
      },
    ]);
    const line = (entity.lines as Record<string, unknown>[])[0]!;
    assert.equal(line.type, M.LineType.LINE_LIST);
    assert.equal(line.scale_invariant, true);
    assert.deepEqual(line.indices, [0, 1, 4_000_000_000]);
    assert.deepEqual(line.points, [{}, { x: 1, y: 1, z: 1 }]);
    const model = (entity.models as Record<string, unknown>[])[0]!;
    assert.deepEqual(model.data, [0x67, 0x6c, 0x54, 0x46]);
    assert.equal(model.media_type, "model/gltf-binary");
  });

  test("LocationFix: packed doubles, enum, proto3 optional fields keep explicit zeros", () => {
    const cov = [1, 0, 0, 0, 2, 0, 0, 0, 3.25] as const;
    const out = decode(M.LocationFix, {
      timestamp: time,
      frame_id: "gps",
      latitude: 47.5,
      longitude: -122.25,
      altitude: 0,
      position_covariance: [...cov] as M.LocationFix["position_covariance"],
      position_covariance_type: M.PositionCovarianceType.DIAGONAL_KNOWN,
      heading: 0,
      metadata: [{ key: "fix", value: "rtk" }],
    });
    assert.deepEqual(out, {
      timestamp: ts,
      frame_id: "gps",
      latitude: 47.5,
      longitude: -122.25,
      position_covariance: [...cov],
      position_covariance_type: 2,
      heading: 0,
      metadata: [{ key: "fix", value: "rtk" }],
    });
    assert.equal("velocity" in out, false);
  });

  test("PointCloud and Log: fixed32 fields, repeated nested, non-ASCII strings", () => {
    const cloud = decode(M.PointCloud, {
      timestamp: time,
      frame_id: "lidar",
      pose: { position: { x: 0, y: 0, z: 1 }, orientation: { x: 0, y: 0, z: 0, w: 1 } },
      point_stride: 12,
      fields: [
        { name: "x", offset: 0, type: M.NumericType.FLOAT32 },
        { name: "y", offset: 4, type: M.NumericType.FLOAT32 },
      ],
      data: new Uint8Array(24).fill(9),
    });
    assert.equal(cloud.point_stride, 12);
    assert.deepEqual(cloud.fields, [
      { name: "x", type: M.NumericType.FLOAT32 },
      { name: "y", offset: 4, type: M.NumericType.FLOAT32 },
    ]);
    assert.equal((cloud.data as number[]).length, 24);

    const log = decode(M.Log, {
      timestamp: time,
      level: M.LogLevel.WARNING,
      message: "température ≥ 40 °C 🔥",
      name: "sensor",
      file: "main.ts",
      line: 4_294_967_295,
    });
    assert.deepEqual(log, {
      timestamp: ts,
      level: 3,
      message: "température ≥ 40 °C 🔥",
      name: "sensor",
      file: "main.ts",
      line: 4_294_967_295,
    });
  });

  test("large bytes payloads and repeated encodes stay independent", () => {
    const big = new Uint8Array(3 << 20).map((_, i) => i & 0xff);
    const first = M.RawImage.encode({
      timestamp: time,
      frame_id: "f",
      width: 1024,
      height: 1024,
      encoding: "rgb8",
      step: 3072,
      data: big,
    });
    const second = M.Vector3.encode({ x: 1, y: 2, z: 3 });
    const root = protobuf.Root.fromDescriptor(M.RawImage.schema!.data, { keepCase: true });
    const image = root.lookupType("foxglove.RawImage").decode(first) as unknown as {
      data: Uint8Array;
      width: number;
    };
    assert.equal(image.width, 1024);
    assert.equal(image.data.length, big.length);
    assert.equal(image.data[12345], 12345 & 0xff);
    assert.equal(second.length, 27);
  });

  test("encodeTransient gives the bytes of encode, also for a nested encode inside use", () => {
    const image = {
      timestamp: time,
      frame_id: "cam",
      width: 640,
      height: 480,
      encoding: "rgb8",
      step: 1920,
      data: new Uint8Array(640 * 480 * 3).map((_, i) => (i * 7) & 0xff),
    };
    const expected = M.RawImage.encode(image);
    const seen: Uint8Array[] = [];
    M.RawImage.encodeTransient!(image, (outer) => {
      // A sink that logs another message while the first is being delivered.
      M.RawImage.encodeTransient!({ ...image, frame_id: "other" }, (inner) => {
        seen.push(inner.slice());
      });
      seen.push(outer.slice());
    });
    assert.deepEqual(seen[1], expected);
    assert.deepEqual(seen[0], M.RawImage.encode({ ...image, frame_id: "other" }));
    // The reused buffer holds the next message; encode() results stay independent of it.
    const small = { ...image, data: new Uint8Array(16).fill(9) };
    M.RawImage.encodeTransient!(small, (data) => {
      assert.deepEqual(data, M.RawImage.encode(small));
    });
    assert.deepEqual(M.RawImage.encode(image), expected);
  });

  test("every encoder's schema holds its message, dependencies first, and encodes {}", () => {
    let count = 0;
    for (const [name, value] of Object.entries(M)) {
      if (!isEncoder(value) || value.messageEncoding !== "protobuf") {
        continue;
      }
      count++;
      const set = descriptor.FileDescriptorSet.decode(value.schema!.data) as unknown as {
        file: { name: string; dependency: string[] }[];
      };
      const seen = new Set<string>();
      for (const file of set.file) {
        for (const dep of file.dependency) {
          assert.ok(seen.has(dep), `${name}: ${file.name} needs ${dep} first`);
        }
        seen.add(file.name);
      }
      const root = protobuf.Root.fromDescriptor(value.schema!.data);
      const type = root.lookupType(value.schema!.name);
      assert.equal(type.decode(value.encode({} as never)).toJSON().constructor, Object);
    }
    assert.equal(count, 49);
  });
});

function isEncoder(value: unknown): value is Encoder<unknown> {
  return typeof value === "object" && value !== null && "encode" in value && "schema" in value;
}
