import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { CdrWriter, EncapsulationKind } from "@foxglove/cdr";
import { Builder } from "flatbuffers";
import { isFoxgloveError } from "../core/FoxgloveError.js";
import { CompressedImage, CompressedImageJson, RawImage, RawImageJson } from "../messages/index.js";
import { decodeImageMessage } from "./decodeImageMessage.js";
import type { VideoDecoder } from "./videoInputSchema.js";

const PIXELS = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
const RAW_FIELDS = { width: 2, height: 2, encoding: "rgb8", step: 6, data: PIXELS };
const STAMP = { sec: 1_700_000_000, nsec: 123_456_789 };
const STAMP_NS = 1_700_000_000_123_456_789n;

const raw = (decoder: VideoDecoder) => ({ decoder, image: "raw" }) as const;
const compressed = (decoder: VideoDecoder) => ({ decoder, image: "compressed" }) as const;
const rejectsDecode = (fn: () => unknown, pattern: RegExp) =>
  assert.throws(fn, (e: unknown) => isFoxgloveError(e, "ERR_DECODE") && pattern.test(e.message));

function assertRaw(message: ReturnType<typeof decodeImageMessage>, bigEndian?: boolean) {
  assert.equal(message.kind, "raw");
  assert.equal(message.timestampNs, STAMP_NS);
  assert.equal(message.frameId, "cam");
  if (message.kind === "raw") {
    const { data, ...rest } = message.raw;
    assert.deepEqual(rest, {
      width: 2,
      height: 2,
      encoding: "rgb8",
      step: 6,
      ...(bigEndian === undefined ? {} : { bigEndian }),
    });
    assert.deepEqual([...data], [...PIXELS]);
  }
}

function assertCompressed(message: ReturnType<typeof decodeImageMessage>) {
  assert.equal(message.kind, "compressed");
  assert.equal(message.timestampNs, STAMP_NS);
  assert.equal(message.frameId, "cam");
  if (message.kind === "compressed") {
    assert.equal(message.format, "jpeg");
    assert.deepEqual([...message.data], [...PIXELS]);
  }
}

describe("protobuf", () => {
  test("RawImage", () => {
    const bytes = RawImage.encode({ timestamp: STAMP, frame_id: "cam", ...RAW_FIELDS });
    assertRaw(decodeImageMessage(raw("protobuf"), bytes));
  });
  test("CompressedImage", () => {
    const bytes = CompressedImage.encode({
      timestamp: STAMP,
      frame_id: "cam",
      data: PIXELS,
      format: "jpeg",
    });
    assertCompressed(decodeImageMessage(compressed("protobuf"), bytes));
  });
  test("an absent timestamp gives none; garbage is a decode error", () => {
    const bytes = RawImage.encode({ frame_id: "", ...RAW_FIELDS } as never);
    assert.equal(decodeImageMessage(raw("protobuf"), bytes).timestampNs, undefined);
    rejectsDecode(
      () => decodeImageMessage(raw("protobuf"), new Uint8Array([0x0a, 0xff])),
      /bad protobuf image message/,
    );
  });
});

describe("json", () => {
  const utf8 = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
  test("RawImage", () => {
    const bytes = RawImageJson.encode({ timestamp: STAMP, frame_id: "cam", ...RAW_FIELDS });
    assertRaw(decodeImageMessage(raw("json"), bytes));
  });
  test("CompressedImage", () => {
    const bytes = CompressedImageJson.encode({
      timestamp: STAMP,
      frame_id: "cam",
      data: PIXELS,
      format: "jpeg",
    });
    assertCompressed(decodeImageMessage(compressed("json"), bytes));
  });
  test("wrong field types and bad base64 are decode errors", () => {
    rejectsDecode(
      () => decodeImageMessage(raw("json"), utf8({ width: "2" })),
      /"width" must be a uint32/,
    );
    rejectsDecode(() => decodeImageMessage(raw("json"), utf8({ data: "!!" })), /not base64/);
    rejectsDecode(() => decodeImageMessage(raw("json"), utf8([1])), /must be an object/);
    rejectsDecode(
      () => decodeImageMessage(raw("json"), utf8({ timestamp: { sec: -1, nsec: 0 } })),
      /out of range/,
    );
  });
});

/** ROS 1 serialization, written out by hand (little endian, u32 length prefixes). */
type Ros1Part =
  readonly ["u8" | "u32", number] | readonly ["str", string] | readonly ["bytes", Uint8Array];

function ros1(parts: readonly Ros1Part[]): Uint8Array {
  const chunks: number[] = [];
  const u32 = (n: number) => chunks.push(n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24);
  for (const part of parts) {
    if (part[0] === "u8") {
      chunks.push(part[1]);
    } else if (part[0] === "u32") {
      u32(part[1]);
    } else {
      const value = part[1];
      const bytes =
        typeof value === "string" ? new TextEncoder().encode(value) : (value as Uint8Array);
      u32(bytes.length);
      chunks.push(...bytes);
    }
  }
  return new Uint8Array(chunks);
}

describe("ros1", () => {
  const header: Ros1Part[] = [
    ["u32", 7],
    ["u32", STAMP.sec],
    ["u32", STAMP.nsec],
    ["str", "cam"],
  ];
  test("sensor_msgs/Image", () => {
    const bytes = ros1([
      ...header,
      ["u32", 2],
      ["u32", 2],
      ["str", "rgb8"],
      ["u8", 1],
      ["u32", 6],
      ["bytes", PIXELS],
    ]);
    assertRaw(decodeImageMessage(raw("ros1"), bytes), true);
  });
  test("sensor_msgs/CompressedImage", () => {
    const bytes = ros1([...header, ["str", "jpeg"], ["bytes", PIXELS]]);
    assertCompressed(decodeImageMessage(compressed("ros1"), bytes));
  });
  test("a truncated message is a decode error", () => {
    const bytes = ros1([...header, ["str", "jpeg"], ["bytes", PIXELS]]);
    rejectsDecode(
      () => decodeImageMessage(compressed("ros1"), bytes.subarray(0, bytes.length - 1)),
      /truncated/,
    );
  });
});

function cdr(kind: EncapsulationKind, write: (w: CdrWriter) => void): Uint8Array {
  const w = new CdrWriter({ kind });
  write(w);
  return w.data;
}

describe("ros2 (CDR)", () => {
  for (const kind of [EncapsulationKind.CDR_LE, EncapsulationKind.CDR_BE]) {
    const header = (w: CdrWriter, sec = STAMP.sec) => w.int32(sec).uint32(STAMP.nsec).string("cam");
    test(`sensor_msgs/msg/Image ${EncapsulationKind[kind]}`, () => {
      const bytes = cdr(kind, (w) => {
        header(w);
        w.uint32(2).uint32(2).string("rgb8").uint8(0).uint32(6).uint8Array(PIXELS, true);
      });
      assertRaw(decodeImageMessage(raw("ros2"), bytes), false);
    });
    test(`sensor_msgs/msg/CompressedImage ${EncapsulationKind[kind]}`, () => {
      const bytes = cdr(kind, (w) => {
        header(w);
        w.string("jpeg").uint8Array(PIXELS, true);
      });
      assertCompressed(decodeImageMessage(compressed("ros2"), bytes));
    });
    test(`a negative stamp is a decode error ${EncapsulationKind[kind]}`, () => {
      const bytes = cdr(kind, (w) => {
        header(w, -5);
        w.string("jpeg").uint8Array(PIXELS, true);
      });
      rejectsDecode(() => decodeImageMessage(compressed("ros2"), bytes), /out of range/);
    });
  }
  test("an unknown encapsulation is a decode error", () => {
    rejectsDecode(
      () => decodeImageMessage(raw("ros2"), new Uint8Array([0, 3, 0, 0])),
      /unsupported CDR encapsulation/,
    );
  });
});

describe("omgidl (CDR)", () => {
  test("foxglove::RawImage", () => {
    const bytes = cdr(EncapsulationKind.CDR_LE, (w) => {
      w.uint32(STAMP.sec).uint32(STAMP.nsec).string("cam");
      w.uint32(2).uint32(2).string("rgb8").uint32(6).uint8Array(PIXELS, true);
    });
    assertRaw(decodeImageMessage(raw("omgidl"), bytes));
  });
  test("foxglove::CompressedImage", () => {
    const bytes = cdr(EncapsulationKind.CDR_LE, (w) => {
      w.uint32(STAMP.sec).uint32(STAMP.nsec).string("cam").uint8Array(PIXELS, true).string("jpeg");
    });
    assertCompressed(decodeImageMessage(compressed("omgidl"), bytes));
  });
});

describe("flatbuffer", () => {
  function build(fields: (b: Builder) => () => void, stamp = true): Uint8Array {
    const b = new Builder(64);
    const finish = fields(b);
    b.startObject(7);
    if (stamp) {
      b.prep(4, 8);
      b.writeInt32(STAMP.nsec);
      b.writeInt32(STAMP.sec);
      b.addFieldStruct(0, b.offset(), 0);
    }
    finish();
    b.finish(b.endObject());
    return b.asUint8Array();
  }
  const rawImage = (stamp = true) =>
    build((b) => {
      const frame = b.createString("cam");
      const encoding = b.createString("rgb8");
      const data = b.createByteVector(PIXELS);
      return () => {
        b.addFieldOffset(1, frame, 0);
        b.addFieldInt32(2, 2, 0);
        b.addFieldInt32(3, 2, 0);
        b.addFieldOffset(4, encoding, 0);
        b.addFieldInt32(5, 6, 0);
        b.addFieldOffset(6, data, 0);
      };
    }, stamp);

  test("RawImage", () => {
    assertRaw(decodeImageMessage(raw("flatbuffer"), rawImage()));
  });
  test("CompressedImage", () => {
    const bytes = build((b) => {
      const frame = b.createString("cam");
      const data = b.createByteVector(PIXELS);
      const format = b.createString("jpeg");
      return () => {
        b.addFieldOffset(1, frame, 0);
        b.addFieldOffset(2, data, 0);
        b.addFieldOffset(3, format, 0);
      };
    });
    assertCompressed(decodeImageMessage(compressed("flatbuffer"), bytes));
  });
  test("an absent timestamp gives none", () => {
    assert.equal(decodeImageMessage(raw("flatbuffer"), rawImage(false)).timestampNs, undefined);
  });
  test("garbage fails verification", () => {
    rejectsDecode(
      () => decodeImageMessage(raw("flatbuffer"), new Uint8Array([0xff, 0xff, 0, 0, 1, 2])),
      /invalid FlatBuffer/,
    );
    rejectsDecode(
      () => decodeImageMessage(raw("flatbuffer"), new Uint8Array(2)),
      /invalid FlatBuffer|bad flatbuffer/,
    );
    const good = rawImage();
    rejectsDecode(
      () => decodeImageMessage(raw("flatbuffer"), good.subarray(0, good.length - 8)),
      /invalid FlatBuffer/,
    );
  });
});
