import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { convertPointCloud2, numericTypeOfRosDatatype } from "./PointCloud2.js";
import { NumericType } from "./PointCloudData.js";
import { readCdrPointCloud2, readRos1PointCloud2 } from "./readPointCloud2.js";
import { cdrCloud, makePointCloud2, ros1Cloud, xyzBytes } from "./testing/clouds.js";

const two = [
  [1, 2, 3],
  [4, 5, 6],
];

describe("PointCloud2 → PointCloud (session.md 8.5, ros2.rs tests)", () => {
  test("decodes and converts a PointCloud2", () => {
    const cloud = readCdrPointCloud2(cdrCloud(makePointCloud2(two)));
    const converted = convertPointCloud2(cloud);
    assert.deepEqual(converted.timestamp, { sec: 12, nsec: 34 });
    assert.equal(converted.frame_id, "lidar");
    assert.equal(converted.pose, undefined);
    assert.equal(converted.point_stride, 12);
    assert.deepEqual(converted.fields, [
      { name: "x", offset: 0, type: NumericType.FLOAT32 },
      { name: "y", offset: 4, type: NumericType.FLOAT32 },
      { name: "z", offset: 8, type: NumericType.FLOAT32 },
    ]);
    assert.deepEqual(converted.data, xyzBytes(two));
  });

  test("decodes ROS 1 PointCloud2 to the same cloud", () => {
    const source = makePointCloud2(two);
    assert.deepEqual(readRos1PointCloud2(ros1Cloud(source)), source);
    assert.deepEqual(readCdrPointCloud2(cdrCloud(source)), source);
  });

  test("maps integer datatypes explicitly", () => {
    const expected = [
      NumericType.INT8,
      NumericType.UINT8,
      NumericType.INT16,
      NumericType.UINT16,
      NumericType.INT32,
      NumericType.UINT32,
      NumericType.FLOAT32,
      NumericType.FLOAT64,
    ];
    expected.forEach((type, i) => assert.equal(numericTypeOfRosDatatype(i + 1), type));
  });

  test("rejects an unknown datatype", () => {
    const cloud = makePointCloud2([[0, 0, 0]]);
    cloud.fields[0]!.datatype = 9;
    assert.throws(() => convertPointCloud2(cloud), /field "x" has unknown datatype 9/);
  });

  test("rejects multi-element fields", () => {
    const cloud = makePointCloud2([[0, 0, 0]]);
    cloud.fields[0]!.count = 4;
    assert.throws(() => convertPointCloud2(cloud), /unsupported count 4/);
  });

  test("rejects big endian", () => {
    const cloud = makePointCloud2([[0, 0, 0]]);
    cloud.is_bigendian = true;
    assert.throws(() => convertPointCloud2(cloud), /big-endian point clouds are not supported/);
  });

  test("rejects a negative timestamp", () => {
    const cloud = makePointCloud2([[0, 0, 0]]);
    cloud.timestamp.sec = -1;
    assert.throws(() => readCdrPointCloud2(cdrCloud(cloud)), /negative timestamp/);
  });

  test("repacks padded rows", () => {
    const row = xyzBytes(two);
    const data = new Uint8Array(2 * 32);
    data.set(row, 0);
    data.set(row, 32);
    const cloud = { ...makePointCloud2(two), height: 2, width: 2, row_step: 32, data };
    assert.deepEqual(convertPointCloud2(cloud).data, xyzBytes([...two, ...two]));
  });

  test("strips padding from a single-row cloud", () => {
    const data = new Uint8Array(32);
    data.set(xyzBytes(two));
    const cloud = { ...makePointCloud2(two), row_step: 32, data };
    assert.deepEqual(convertPointCloud2(cloud).data, xyzBytes(two));
  });

  test("accepts a zero row_step on a single-row cloud", () => {
    const cloud = { ...makePointCloud2(two), row_step: 0 };
    assert.deepEqual(convertPointCloud2(cloud).data, xyzBytes(two));
  });

  test("trims excess data to the declared dimensions", () => {
    const cloud = { ...makePointCloud2(two), data: xyzBytes([...two, [7, 8, 9]]) };
    assert.deepEqual(convertPointCloud2(cloud).data, xyzBytes(two));
  });

  test("rejects zero dimensions with data (three shapes)", () => {
    for (const [width, height] of [
      [0, 1],
      [2, 0],
      [0, 0],
    ] as const) {
      const cloud = { ...makePointCloud2(two), width, height };
      assert.throws(() => convertPointCloud2(cloud), /declares zero points/, `${width}x${height}`);
    }
  });

  test("accepts zero dimensions with empty data", () => {
    const cloud = { ...makePointCloud2([]), width: 0, height: 0 };
    assert.equal(convertPointCloud2(cloud).data.length, 0);
  });

  test("rejects data shorter than the declared dimensions", () => {
    const cloud = { ...makePointCloud2(two), width: 3 };
    assert.throws(() => convertPointCloud2(cloud), /data length 24 is smaller than the 36 bytes/);
  });

  test("rejects a row_step smaller than a row", () => {
    const cloud = { ...makePointCloud2(two), height: 2, width: 1, row_step: 8 };
    assert.throws(
      () => convertPointCloud2(cloud),
      /row_step 8 is smaller than width 1 x point_step 12/,
    );
  });

  test("rejects absurd dimensions without allocating", () => {
    const max = 0xffff_ffff;
    for (const shape of [
      { width: max, height: max, point_step: max, row_step: max },
      { width: max, height: 1, point_step: max, row_step: 0 },
      { width: max, height: max, point_step: 12, row_step: 12 * max },
    ]) {
      const cloud = { ...makePointCloud2(two), ...shape };
      assert.throws(
        () => convertPointCloud2(cloud),
        /overflow|smaller than/,
        JSON.stringify(shape),
      );
    }
  });

  test("rejects truncated padded data", () => {
    const data = new Uint8Array(32 + 24); // second row's padding missing
    const cloud = { ...makePointCloud2(two), height: 2, width: 2, row_step: 32, data };
    assert.throws(() => convertPointCloud2(cloud), /data length 56 is smaller than the 64 bytes/);
  });

  test("rejects truncated wire messages", () => {
    const bytes = cdrCloud(makePointCloud2(two));
    for (const cut of [2, 10, 30, bytes.length - 5]) {
      assert.throws(() => readCdrPointCloud2(bytes.subarray(0, cut)), Error, `cut ${cut}`);
    }
    const ros1 = ros1Cloud(makePointCloud2(two));
    assert.throws(() => readRos1PointCloud2(ros1.subarray(0, ros1.length - 3)), /truncated/);
  });
});
