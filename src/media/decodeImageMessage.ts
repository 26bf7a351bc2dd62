import protobuf from "protobufjs/minimal.js";
import { base64Decode } from "../core/base64.js";
import { FoxgloveError } from "../core/FoxgloveError.js";
import { decodeFlatbufferImage } from "./decodeFlatbufferImage.js";
import { stampNanos, type ImageMessage } from "./ImageMessage.js";
import type { VideoInputSchema } from "./videoInputSchema.js";

/**
 * Extracts the image from a message of a video-capable channel: Foxglove RawImage /
 * CompressedImage in protobuf, JSON, FlatBuffers or OMG IDL CDR, and ROS 1 / ROS 2 sensor_msgs
 * Image / CompressedImage. Pixel data is a view into `bytes` where the encoding allows. Throws
 * FoxgloveError ERR_DECODE for a malformed message or an out-of-range timestamp.
 */
export function decodeImageMessage(schema: VideoInputSchema, bytes: Uint8Array): ImageMessage {
  try {
    switch (schema.decoder) {
      case "protobuf":
        return decodeProtobuf(schema.image, bytes);
      case "json":
        return decodeJson(schema.image, bytes);
      case "ros1":
        return decodeRos(schema.image, new SerialReader(bytes, false, true), "ros1");
      case "ros2":
        return decodeRos(schema.image, cdrReader(bytes), "ros2");
      case "omgidl":
        return decodeOmgIdl(schema.image, cdrReader(bytes));
      case "flatbuffer":
        return decodeFlatbufferImage(schema.image, bytes);
    }
  } catch (error) {
    if (error instanceof FoxgloveError) {
      throw error;
    }
    throw new FoxgloveError("ERR_DECODE", `bad ${schema.decoder} image message: ${String(error)}`, {
      cause: error,
    });
  }
}

const U32 = 2 ** 32;

function decodeProtobuf(image: "raw" | "compressed", bytes: Uint8Array): ImageMessage {
  const r = protobuf.Reader.create(bytes);
  let timestampNs: bigint | undefined;
  let frameId = "";
  let width = 0;
  let height = 0;
  let encoding = "";
  let step = 0;
  let format = "";
  let data: Uint8Array = new Uint8Array(0);
  const raw = image === "raw";
  while (r.pos < r.len) {
    const tag = r.uint32();
    const field = tag >>> 3;
    const wire = tag & 7;
    if (field === 1 && wire === 2) {
      timestampNs = protobufTimestamp(r.bytes());
    } else if (raw && wire === 5 && field >= 2 && field <= 5 && field !== 4) {
      const v = r.fixed32();
      if (field === 2) {
        width = v;
      } else if (field === 3) {
        height = v;
      } else {
        step = v;
      }
    } else if (wire === 2 && field === (raw ? 7 : 4)) {
      frameId = r.string();
    } else if (wire === 2 && field === (raw ? 6 : 2)) {
      data = r.bytes();
    } else if (wire === 2 && raw && field === 4) {
      encoding = r.string();
    } else if (wire === 2 && !raw && field === 3) {
      format = r.string();
    } else {
      r.skipType(wire);
    }
  }
  return raw
    ? { kind: "raw", timestampNs, frameId, raw: { width, height, encoding, step, data } }
    : { kind: "compressed", timestampNs, frameId, format, data };
}

function protobufTimestamp(bytes: Uint8Array): bigint {
  const r = protobuf.Reader.create(bytes);
  let sec = 0;
  let nsec = 0;
  while (r.pos < r.len) {
    const tag = r.uint32();
    if (tag === 1 << 3 || tag === 2 << 3) {
      const v = r.int64();
      const n = typeof v === "number" ? v : v.high * 2 ** 32 + (v.low >>> 0);
      if (tag === 1 << 3) {
        sec = n;
      } else {
        nsec = n;
      }
    } else {
      r.skipType(tag & 7);
    }
  }
  return stampNanos(sec, nsec);
}

function decodeJson(image: "raw" | "compressed", bytes: Uint8Array): ImageMessage {
  const value: unknown = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new FoxgloveError("ERR_DECODE", "a JSON image message must be an object");
  }
  const m = value as Record<string, unknown>;
  const text = (key: string): string => {
    const v = m[key] ?? "";
    if (typeof v !== "string") {
      throw new FoxgloveError("ERR_DECODE", `JSON image field "${key}" must be a string`);
    }
    return v;
  };
  const count = (key: string): number => {
    const v = m[key] ?? 0;
    if (typeof v !== "number" || !Number.isInteger(v) || v < 0 || v >= U32) {
      throw new FoxgloveError("ERR_DECODE", `JSON image field "${key}" must be a uint32`);
    }
    return v;
  };
  let timestampNs: bigint | undefined;
  if (m.timestamp !== undefined && m.timestamp !== null) {
    const t = m.timestamp as { sec?: unknown; nsec?: unknown };
    timestampNs = stampNanos(Number(t.sec ?? 0), Number(t.nsec ?? 0));
  }
  let data: Uint8Array;
  try {
    data = base64Decode(text("data"));
  } catch (cause) {
    throw new FoxgloveError("ERR_DECODE", `JSON image field "data" is not base64`, { cause });
  }
  const frameId = text("frame_id");
  return image === "raw"
    ? {
        kind: "raw",
        timestampNs,
        frameId,
        raw: {
          width: count("width"),
          height: count("height"),
          encoding: text("encoding"),
          step: count("step"),
          data,
        },
      }
    : { kind: "compressed", timestampNs, frameId, format: text("format"), data };
}

/** sensor_msgs Image / CompressedImage (ROS 1 serialization or ROS 2 CDR). */
function decodeRos(
  image: "raw" | "compressed",
  r: SerialReader,
  ros: "ros1" | "ros2",
): ImageMessage {
  let timestampNs: bigint;
  if (ros === "ros1") {
    r.u32(); // seq
    timestampNs = stampNanos(r.u32(), r.u32());
  } else {
    const sec = r.i32();
    timestampNs = stampNanos(sec, r.u32());
  }
  const frameId = r.string();
  if (image === "compressed") {
    const format = r.string();
    return { kind: "compressed", timestampNs, frameId, format, data: r.bytes() };
  }
  const height = r.u32();
  const width = r.u32();
  const encoding = r.string();
  const bigEndian = r.u8() !== 0;
  const step = r.u32();
  return {
    kind: "raw",
    timestampNs,
    frameId,
    raw: { width, height, encoding, step, bigEndian, data: r.bytes() },
  };
}

/** foxglove::RawImage / foxglove::CompressedImage in OMG IDL CDR. */
function decodeOmgIdl(image: "raw" | "compressed", r: SerialReader): ImageMessage {
  const timestampNs = stampNanos(r.u32(), r.u32());
  const frameId = r.string();
  if (image === "compressed") {
    const data = r.bytes();
    return { kind: "compressed", timestampNs, frameId, data, format: r.string() };
  }
  const width = r.u32();
  const height = r.u32();
  const encoding = r.string();
  const step = r.u32();
  return {
    kind: "raw",
    timestampNs,
    frameId,
    raw: { width, height, encoding, step, data: r.bytes() },
  };
}

/** A reader after the 4-byte CDR encapsulation header (plain CDR / XCDR2, either byte order). */
function cdrReader(bytes: Uint8Array): SerialReader {
  if (bytes.length < 4) {
    throw new FoxgloveError("ERR_DECODE", "CDR message shorter than its encapsulation header");
  }
  const kind = bytes[1]!;
  // 0/1: CDR BE/LE; 6/7: XCDR2 BE/LE (final types: same layout for these messages).
  if (bytes[0] !== 0 || (kind !== 0 && kind !== 1 && kind !== 6 && kind !== 7)) {
    throw new FoxgloveError(
      "ERR_DECODE",
      `unsupported CDR encapsulation 0x${bytes[0]!.toString(16)}${kind.toString(16).padStart(2, "0")}`,
    );
  }
  return new SerialReader(bytes.subarray(4), (kind & 1) === 0, false);
}

/** A bounds-checked cursor: ROS 1 (packed little endian) or CDR (aligned, either byte order). */
class SerialReader {
  readonly #bytes: Uint8Array;
  readonly #view: DataView;
  readonly #littleEndian: boolean;
  readonly #packed: boolean;
  #pos = 0;

  constructor(bytes: Uint8Array, bigEndian: boolean, packed: boolean) {
    this.#bytes = bytes;
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.#littleEndian = !bigEndian;
    this.#packed = packed;
  }

  #take(size: number, align: number): number {
    if (!this.#packed) {
      this.#pos += (align - (this.#pos % align)) % align;
    }
    const at = this.#pos;
    if (at + size > this.#bytes.length) {
      throw new FoxgloveError(
        "ERR_DECODE",
        `image message truncated at byte ${at} (needs ${size} more)`,
      );
    }
    this.#pos = at + size;
    return at;
  }

  u8(): number {
    return this.#bytes[this.#take(1, 1)]!;
  }

  u32(): number {
    return this.#view.getUint32(this.#take(4, 4), this.#littleEndian);
  }

  i32(): number {
    return this.#view.getInt32(this.#take(4, 4), this.#littleEndian);
  }

  /** A length-prefixed byte sequence, as a view. */
  bytes(): Uint8Array {
    const n = this.u32();
    const at = this.#take(n, 1);
    return this.#bytes.subarray(at, at + n);
  }

  /** A length-prefixed string (CDR: the length counts a trailing NUL, which is dropped). */
  string(): string {
    let raw = this.bytes();
    if (!this.#packed && raw.length > 0 && raw[raw.length - 1] === 0) {
      raw = raw.subarray(0, raw.length - 1);
    }
    return new TextDecoder("utf-8", { fatal: true }).decode(raw);
  }
}
