import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import { decompressPointCloud } from "./decompressPointCloud.js";
import {
  loadDracoDecoder,
  loadDracoEncoder,
  type DracoDecoderModule,
  type DracoEncoderModule,
} from "./dracoModules.js";
import { NumericType as T, viewOf, type PointCloudData } from "./PointCloudData.js";
import {
  dropIrrelevantFields,
  dropNonFinitePoints,
  narrowFloat64Fields,
  prepareForDraco,
  retypePackedColors,
} from "./prepareForDraco.js";
import { readFlatBufferPointCloud } from "./readFlatBufferPointCloud.js";
import { readJsonPointCloud } from "./readJsonPointCloud.js";
import { readProtobufPointCloud } from "./readProtobufPointCloud.js";
import { pointCloudInputFormat, type PointCloudInputFormat } from "./pointCloudInputFormat.js";
import { decodePointCloudInput, transcodePointCloud } from "./transcodePointCloud.js";
import {
  cdrCloud,
  flatBufferCloud,
  jsonCloud,
  makeCloud,
  makePointCloud2,
  POSE,
  protobufCloud,
  ros1Cloud,
  XYZ,
} from "./testing/clouds.js";

let encoder: DracoEncoderModule;
let decoder: DracoDecoderModule;
before(async () => {
  [encoder, decoder] = await Promise.all([loadDracoEncoder(), loadDracoDecoder()]);
});

/** Transcodes and decodes back (sequential keeps the point order). */
function roundTrip(format: PointCloudInputFormat, bytes: Uint8Array, bits = 12): PointCloudData {
  return decompressPointCloud(
    decoder,
    transcodePointCloud(encoder, format, bytes, { method: "sequential", quantizationBits: bits }),
  );
}

function column(cloud: PointCloudData, name: string): number[] {
  const f = cloud.fields.find((x) => x.name === name);
  assert.ok(f, `field ${name}`);
  const view = viewOf(cloud.data);
  const out: number[] = [];
  for (let p = 0; p < cloud.data.length / cloud.point_stride; p++) {
    const at = p * cloud.point_stride + f.offset;
    out.push(
      f.type === T.FLOAT32
        ? view.getFloat32(at, true)
        : f.type === T.FLOAT64
          ? view.getFloat64(at, true)
          : f.type === T.UINT32
            ? view.getUint32(at, true)
            : f.type === T.UINT16
              ? view.getUint16(at, true)
              : view.getUint8(at),
    );
  }
  return out;
}

const xyzCloud = (points: number[][]): PointCloudData =>
  makeCloud(12, XYZ, points.length, (v, b, p) => {
    points[p]!.forEach((c, i) => v.setFloat32(b + 4 * i, c, true));
  });

describe("point-cloud detection (delta 3.1)", () => {
  test("detects protobuf, JSON and FlatBuffer foxglove.PointCloud, ROS 1 and ROS 2 PointCloud2", () => {
    assert.equal(pointCloudInputFormat("protobuf", "foxglove.PointCloud"), "protobuf");
    assert.equal(pointCloudInputFormat("json", "foxglove.PointCloud"), "json");
    assert.equal(pointCloudInputFormat("flatbuffer", "foxglove.PointCloud"), "flatbuffer");
    assert.equal(pointCloudInputFormat("cdr", "sensor_msgs/msg/PointCloud2"), "ros2");
    assert.equal(pointCloudInputFormat("ros1", "sensor_msgs/PointCloud2"), "ros1");
  });

  test("ignores other channels and mismatched ROS encodings", () => {
    for (const [encoding, schema] of [
      ["protobuf", "foxglove.CompressedPointCloud"],
      ["json", undefined],
      ["protobuf", "foxglove.Pose"],
      ["ros1", "sensor_msgs/msg/PointCloud2"],
      ["cdr", "sensor_msgs/PointCloud2"],
      ["ros2msg", "sensor_msgs/msg/PointCloud2"],
    ] as const) {
      assert.equal(pointCloudInputFormat(encoding, schema), undefined, `${encoding} ${schema}`);
    }
  });
});

describe("input decoders", () => {
  const cloud: PointCloudData = {
    ...makeCloud(16, [...XYZ, { name: "intensity", offset: 12, type: T.UINT16 }], 3, (v, b, p) => {
      v.setFloat32(b, p, true);
      v.setFloat32(b + 4, -p, true);
      v.setFloat32(b + 8, p / 2, true);
      v.setUint16(b + 12, 100 + p, true);
    }),
    pose: POSE,
  };

  test("protobuf, JSON and FlatBuffer decode to the same cloud", () => {
    assert.deepEqual(readProtobufPointCloud(protobufCloud(cloud)), cloud);
    assert.deepEqual(readJsonPointCloud(jsonCloud(cloud)), cloud);
    assert.deepEqual(readFlatBufferPointCloud(flatBufferCloud(cloud)), cloud);
  });

  test("FlatBuffer: an absent quaternion w defaults to 1, an absent timestamp stays absent", () => {
    const noW = { ...cloud, pose: { ...POSE, orientation: { x: 0, y: 0, z: 0, w: 1 } } };
    assert.equal(readFlatBufferPointCloud(flatBufferCloud(noW, true)).pose?.orientation.w, 1);
    const untimed: PointCloudData = { ...cloud };
    delete untimed.timestamp;
    assert.equal(readFlatBufferPointCloud(flatBufferCloud(untimed)).timestamp, undefined);
  });

  test("JSON: timestamps out of range and unknown type names are errors", () => {
    const text = (o: object) => new TextEncoder().encode(JSON.stringify(o));
    assert.throws(
      () => readJsonPointCloud(text({ timestamp: { sec: 2 ** 32, nsec: 0 }, point_stride: 0 })),
      /timestamp out of range/,
    );
    assert.throws(
      () =>
        readJsonPointCloud(
          text({ point_stride: 4, fields: [{ name: "x", offset: 0, type: "FLOAT16" }] }),
        ),
      /unknown numeric type "FLOAT16"/,
    );
  });

  test("malformed input of every format fails with the format's message", () => {
    const garbage = new Uint8Array([0xff, 0xff, 0xff, 0xff, 0x0f, 1, 2]);
    for (const [format, what] of [
      ["protobuf", "failed to decode PointCloud message: "],
      ["json", "failed to decode JSON PointCloud message: "],
      ["flatbuffer", "failed to decode FlatBuffer PointCloud message: "],
      ["ros2", "failed to decode ROS 2 PointCloud2 message: "],
      ["ros1", "failed to decode ROS 1 PointCloud2 message: "],
    ] as const) {
      assert.throws(
        () => decodePointCloudInput(format, garbage),
        (e: Error & { code?: string }) => e.code === "ERR_DECODE" && e.message.startsWith(what),
        format,
      );
    }
  });
});

describe("transcoding (point_cloud_transcode.rs tests)", () => {
  const points = [
    [1, 2, 3],
    [4, 5, 6],
    [-7, 8.5, 0],
  ];

  test("every input format arrives as a Draco CompressedPointCloud with its header", () => {
    const foxglove = { ...xyzCloud(points), pose: POSE };
    const ros = makePointCloud2(points);
    for (const [format, bytes, frame, pose] of [
      ["protobuf", protobufCloud(foxglove), "map", POSE],
      ["json", jsonCloud(foxglove), "map", POSE],
      ["flatbuffer", flatBufferCloud(foxglove), "map", POSE],
      ["ros2", cdrCloud(ros), "lidar", undefined],
      ["ros1", ros1Cloud(ros), "lidar", undefined],
    ] as const) {
      const out = roundTrip(format, bytes);
      assert.equal(out.frame_id, frame, format);
      assert.deepEqual(out.pose, pose, format);
      assert.deepEqual(
        out.timestamp,
        format.startsWith("ros") ? { sec: 12, nsec: 34 } : { sec: 5, nsec: 6 },
      );
      const x = column(out, "x");
      assert.equal(x.length, 3);
      x.forEach((v, i) => assert.ok(Math.abs(v - points[i]![0]!) < 0.01, `${format} x[${i}] ${v}`));
    }
  });

  test("transcodes a NaN-padded PointCloud2 (NaN points dropped)", () => {
    const out = roundTrip(
      "ros2",
      cdrCloud(
        makePointCloud2([
          [1, 2, 3],
          [NaN, NaN, NaN],
          [4, 5, 6],
        ]),
      ),
    );
    assert.equal(column(out, "z").length, 2);
  });

  test("narrows float64 fields (stride 20 → 16, offsets, values, type)", () => {
    const fields = [
      { name: "x", offset: 0, type: T.FLOAT64 },
      { name: "y", offset: 8, type: T.FLOAT32 },
      { name: "z", offset: 8, type: T.FLOAT32 },
      { name: "intensity", offset: 12, type: T.FLOAT64 },
    ];
    const cloud = makeCloud(20, fields, 2, (v, b, p) => {
      v.setFloat64(b, 1.5 + p, true);
      v.setFloat32(b + 8, 2.5, true);
      v.setFloat64(b + 12, 1 / 3, true);
    });
    const narrowed = narrowFloat64Fields(cloud);
    assert.equal(narrowed.point_stride, 16);
    // y and z alias one float in the source and become independent copies
    assert.deepEqual(narrowed.fields, [
      { name: "x", offset: 0, type: T.FLOAT32 },
      { name: "y", offset: 4, type: T.FLOAT32 },
      { name: "z", offset: 8, type: T.FLOAT32 },
      { name: "intensity", offset: 12, type: T.FLOAT32 },
    ]);
    assert.deepEqual(column(narrowed, "z"), [2.5, 2.5]);
    assert.deepEqual(column(narrowed, "x"), [1.5, 2.5]);
    assert.deepEqual(column(narrowed, "intensity"), [Math.fround(1 / 3), Math.fround(1 / 3)]);
  });

  test("transcodes float64 fields, also an empty cloud", () => {
    const fields = [
      { name: "x", offset: 0, type: T.FLOAT64 },
      { name: "y", offset: 8, type: T.FLOAT64 },
      { name: "v", offset: 16, type: T.FLOAT64 },
    ];
    const cloud = makeCloud(24, fields, 2, (v, b, p) => {
      v.setFloat64(b, p, true);
      v.setFloat64(b + 8, 2 * p, true);
      v.setFloat64(b + 16, 0.25, true);
    });
    const out = roundTrip("protobuf", protobufCloud(cloud));
    assert.deepEqual(column(out, "v"), [0.25, 0.25]);
    const empty = roundTrip("protobuf", protobufCloud({ ...cloud, data: new Uint8Array() }));
    assert.equal(empty.data.length, 0);
  });

  test("drops non-finite points; a finite cloud passes through without copying", () => {
    const cloud = xyzCloud([
      [1, 2, 3],
      [Infinity, 0, 0],
      [4, NaN, 6],
      [7, 8, 9],
    ]);
    assert.deepEqual(column(dropNonFinitePoints(cloud), "x"), [1, 7]);
    const finite = xyzCloud(points);
    assert.equal(dropNonFinitePoints(finite), finite);
  });

  test("drops float64 positions that overflow float32", () => {
    const fields = [
      { name: "x", offset: 0, type: T.FLOAT64 },
      { name: "y", offset: 8, type: T.FLOAT64 },
    ];
    const cloud = makeCloud(16, fields, 2, (v, b, p) => {
      v.setFloat64(b, p === 0 ? 1e300 : 1, true);
      v.setFloat64(b + 8, 1, true);
    });
    assert.deepEqual(column(prepareForDraco(cloud), "x"), [1]);
  });

  test("reinterprets only float32 rgb/rgba as packed colors", () => {
    const fields = [
      ...XYZ,
      { name: "rgb", offset: 12, type: T.FLOAT32 },
      { name: "rgba", offset: 16, type: T.FLOAT32 },
      { name: "color", offset: 20, type: T.FLOAT32 },
      { name: "rgb_u8", offset: 24, type: T.UINT8 },
    ];
    const retyped = retypePackedColors(makeCloud(28, fields, 1, () => {}));
    assert.deepEqual(
      retyped.fields.map((f) => f.type),
      [T.FLOAT32, T.FLOAT32, T.FLOAT32, T.UINT32, T.UINT32, T.FLOAT32, T.UINT8],
    );
  });

  test("drops points with non-finite attributes", () => {
    const fields = [...XYZ, { name: "intensity", offset: 12, type: T.FLOAT32 }];
    const cloud = makeCloud(16, fields, 3, (v, b, p) =>
      v.setFloat32(b + 12, p === 1 ? NaN : p, true),
    );
    assert.deepEqual(column(prepareForDraco(cloud), "intensity"), [0, 2]);
  });

  test("packed rgba with alpha survives the finite filter", () => {
    const fields = [...XYZ, { name: "rgba", offset: 12, type: T.FLOAT32 }];
    // 0xffRRGGBB with alpha 0xff is a NaN when read as float32
    const cloud = makeCloud(16, fields, 3, (v, b, p) =>
      v.setUint32(b + 12, 0xff000000 | (p * 0x111111), true),
    );
    const out = prepareForDraco(cloud);
    assert.deepEqual(column(out, "rgba"), [0xff000000, 0xff111111, 0xff222222]);
  });

  test("drops irrelevant fields (Ouster-like: t and range removed, padding shed, stride 20)", () => {
    const fields = [
      ...XYZ,
      { name: "intensity", offset: 16, type: T.FLOAT32 },
      { name: "t", offset: 20, type: T.UINT32 },
      { name: "reflectivity", offset: 24, type: T.UINT16 },
      { name: "ring", offset: 26, type: T.UINT8 },
      { name: "ambient", offset: 28, type: T.UINT8 },
      { name: "range", offset: 32, type: T.UINT32 },
    ];
    const cloud = makeCloud(48, fields, 2, (v, b, p) => {
      v.setFloat32(b, p, true);
      v.setFloat32(b + 16, 0.5, true);
      v.setUint16(b + 24, 300 + p, true);
      v.setUint8(b + 26, 7);
    });
    const out = dropIrrelevantFields(cloud);
    assert.equal(out.point_stride, 20);
    assert.deepEqual(
      out.fields.map((f) => [f.name, f.offset]),
      [
        ["x", 0],
        ["y", 4],
        ["z", 8],
        ["intensity", 12],
        ["reflectivity", 16],
        ["ring", 18],
        ["ambient", 19],
      ],
    );
    assert.deepEqual(column(out, "reflectivity"), [300, 301]);
    assert.deepEqual(column(out, "x"), [0, 1]);
  });

  test("drop matches exact (name, type) pairs only", () => {
    const fields = [
      ...XYZ,
      { name: "t", offset: 12, type: T.FLOAT32 },
      { name: "scan_id", offset: 16, type: T.UINT16 },
      { name: "timestamp", offset: 20, type: T.FLOAT32 },
    ];
    const cloud = makeCloud(24, fields, 1, () => {});
    assert.equal(dropIrrelevantFields(cloud), cloud);
  });

  test("leaves unreadable clouds for the encoder to reject", () => {
    const fields = [...XYZ, { name: "t", offset: 12, type: T.UINT32 }];
    const misaligned = { ...makeCloud(16, fields, 2, () => {}), data: new Uint8Array(20) };
    assert.equal(dropIrrelevantFields(misaligned), misaligned);
    const bytes = protobufCloud(misaligned);
    assert.throws(
      () => transcodePointCloud(encoder, "protobuf", bytes),
      /data length 20 is not a multiple of point_stride 16/,
    );
    assert.throws(
      () =>
        transcodePointCloud(encoder, "protobuf", protobufCloud({ ...misaligned, point_stride: 0 })),
      /point_stride is 0/,
    );
    const flat = makeCloud(12, [{ name: "x", offset: 0, type: T.FLOAT32 }], 1, () => {});
    assert.throws(
      () => transcodePointCloud(encoder, "protobuf", protobufCloud(flat)),
      /fewer than two of the x\/y\/z/,
    );
  });

  test("transcodes a cloud with a float64 timestamp field (dropped)", () => {
    const fields = [...XYZ, { name: "timestamp", offset: 16, type: T.FLOAT64 }];
    const cloud = makeCloud(24, fields, 2, (v, b, p) => v.setFloat64(b + 16, 1.7e9 + p, true));
    const out = roundTrip("protobuf", protobufCloud(cloud));
    assert.deepEqual(
      out.fields.map((f) => f.name),
      ["x", "y", "z"],
    );
  });

  test("packed rgb survives compression bit-exact (protobuf and ROS 2)", () => {
    const colors = [0x00ff0000, 0x0000ff00, 0x000000ff, 0x7f7f7f7f, 0x7f000000];
    const fields = [...XYZ, { name: "rgb", offset: 12, type: T.FLOAT32 }];
    const cloud = makeCloud(16, fields, colors.length, (v, b, p) => {
      v.setFloat32(b, p, true);
      v.setUint32(b + 12, colors[p]!, true);
    });
    assert.deepEqual(column(roundTrip("protobuf", protobufCloud(cloud)), "rgb"), colors);
    const ros = {
      ...makePointCloud2([]),
      width: colors.length,
      point_step: 16,
      row_step: 16 * colors.length,
      fields: [...makePointCloud2([]).fields, { name: "rgb", offset: 12, datatype: 7, count: 1 }],
      data: cloud.data,
    };
    assert.deepEqual(column(roundTrip("ros2", cdrCloud(ros)), "rgb"), colors);
  });

  test("an all-NaN cloud still transcodes (to zero points)", () => {
    const out = roundTrip("protobuf", protobufCloud(xyzCloud([[NaN, NaN, NaN]])));
    assert.equal(out.data.length, 0);
  });

  test("packed colors from 2^31 keep their bits under both methods", () => {
    const colors = [0xff0000ff, 0x80ffffff, 0x00000001];
    const fields = [...XYZ, { name: "rgba", offset: 12, type: T.FLOAT32 }];
    const cloud = makeCloud(16, fields, colors.length, (v, b, p) => {
      v.setFloat32(b, p, true);
      v.setUint32(b + 12, colors[p]!, true);
    });
    for (const method of ["kdTree", "sequential"] as const) {
      const out = decompressPointCloud(
        decoder,
        transcodePointCloud(encoder, "protobuf", protobufCloud(cloud), { method }),
      );
      const f = out.fields.find((x) => x.name === "rgba")!;
      const view = viewOf(out.data);
      const got = [0, 1, 2].map((p) => view.getUint32(p * out.point_stride + f.offset, true));
      assert.deepEqual([...got].sort(), [...colors].sort(), method);
    }
  });

  test("clouds encoded one after another share nothing: every field type at odd offsets, a missing axis 0", () => {
    // A large cloud first leaves its values in the encoder's reused heap buffer.
    const big = makeCloud(12, XYZ, 5000, (v, b) =>
      [0, 4, 8].forEach((o) => v.setFloat32(b + o, 7, true)),
    );
    transcodePointCloud(encoder, "protobuf", protobufCloud(big), { quantizationBits: 12 });
    // Then a small one with an odd stride (nothing aligned), no z, and one field of every type.
    const fields = [
      { name: "y", offset: 1, type: T.INT16 },
      { name: "x", offset: 3, type: T.FLOAT32 },
      { name: "u8", offset: 7, type: T.UINT8 },
      { name: "i8", offset: 8, type: T.INT8 },
      { name: "u16", offset: 9, type: T.UINT16 },
      { name: "i16", offset: 11, type: T.INT16 },
      { name: "u32", offset: 13, type: T.UINT32 },
      { name: "i32", offset: 17, type: T.INT32 },
      { name: "f32", offset: 21, type: T.FLOAT32 },
    ];
    const n = 5;
    const cloud = makeCloud(27, fields, n, (v, b, p) => {
      v.setInt16(b + 1, -p, true);
      v.setFloat32(b + 3, p + 0.5, true);
      v.setUint8(b + 7, 250 - p);
      v.setInt8(b + 8, -100 - p);
      v.setUint16(b + 9, 60_000 + p, true);
      v.setInt16(b + 11, -30_000 - p, true);
      v.setUint32(b + 13, 4_000_000 + p, true);
      v.setInt32(b + 17, -2_000_000_000 - p, true);
      v.setFloat32(b + 21, p / 4, true);
    });
    const out = roundTrip("protobuf", protobufCloud(cloud), 0); // lossless: exact values
    const want = (name: string) => column(cloud, name);
    assert.deepEqual(column(out, "x"), want("x"));
    assert.deepEqual(column(out, "y"), [0, -1, -2, -3, -4]); // int16 positions become float32
    assert.deepEqual(column(out, "z"), Array(n).fill(0));
    const f = (name: string) => out.fields.find((x) => x.name === name)!;
    const view = viewOf(out.data);
    const read = (name: string, get: (at: number) => number) =>
      [...Array(n).keys()].map((p) => get(p * out.point_stride + f(name).offset));
    const expected: [string, (at: number) => number, number[]][] = [
      ["u8", (at) => view.getUint8(at), want("u8")],
      ["i8", (at) => view.getInt8(at), [-100, -101, -102, -103, -104]],
      ["u16", (at) => view.getUint16(at, true), want("u16")],
      ["i16", (at) => view.getInt16(at, true), [0, 1, 2, 3, 4].map((p) => -30_000 - p)],
      ["u32", (at) => view.getUint32(at, true), want("u32")],
      ["i32", (at) => view.getInt32(at, true), [0, 1, 2, 3, 4].map((p) => -2_000_000_000 - p)],
      ["f32", (at) => view.getFloat32(at, true), want("f32")],
    ];
    for (const [name, get, values] of expected) assert.deepEqual(read(name, get), values, name);
  });

  test("kd-tree and sequential stay within the quantization error for 1…30 bits", () => {
    const n = 200;
    const cloud = makeCloud(
      16,
      [...XYZ, { name: "i", offset: 12, type: T.UINT16 }],
      n,
      (v, b, p) => {
        v.setFloat32(b, Math.cos(p) * 50, true);
        v.setFloat32(b + 4, Math.sin(p) * 50, true);
        v.setFloat32(b + 8, (p % 17) - 8, true);
        v.setUint16(b + 12, p, true);
      },
    );
    const bytes = protobufCloud(cloud);
    for (const method of ["kdTree", "sequential"] as const) {
      for (const bits of [1, 12, 20, 29, 30]) {
        const out = decompressPointCloud(
          decoder,
          transcodePointCloud(encoder, "protobuf", bytes, { method, quantizationBits: bits }),
        );
        // match points through the lossless integer field (kd-tree reorders)
        const ids = column(out, "i");
        assert.deepEqual(
          [...ids].sort((a, b) => a - b),
          [...Array(n).keys()],
          `${method} ${bits}`,
        );
        const range = 100; // largest extent of the bounding box (x and y span ±50)
        const tolerance = range / 2 ** bits + 1e-3;
        for (const axis of ["x", "y", "z"]) {
          const got = column(out, axis);
          const want = column(cloud, axis);
          ids.forEach((id, k) =>
            assert.ok(
              Math.abs(got[k]! - want[id]!) <= tolerance,
              `${method} ${bits} ${axis}[${id}]`,
            ),
          );
        }
      }
    }
  });
});
