import type { Pose, Time } from "@foxglove/schemas";
import { base64Decode } from "../../core/base64.js";
import { decodeUtf8 } from "../../protocol/utf8.js";
import {
  numericTypeFromName,
  type PointCloudData,
  type PointCloudField,
} from "./PointCloudData.js";

type Json = Record<string, unknown>;

function object(v: unknown, what: string): Json {
  if (typeof v !== "object" || v === null || Array.isArray(v)) {
    throw new Error(`${what} must be an object`);
  }
  return v as Json;
}

function num(o: Json, key: string, what: string, fallback?: number): number {
  const v = o[key];
  if (v === undefined && fallback !== undefined) return fallback;
  if (typeof v !== "number" || !Number.isFinite(v))
    throw new Error(`${what}.${key} must be a number`);
  return v;
}

function u32(o: Json, key: string, what: string, fallback?: number): number {
  const v = num(o, key, what, fallback);
  if (!Number.isInteger(v) || v < 0 || v > 0xffff_ffff) {
    throw new Error(`${what}.${key} out of range`);
  }
  return v;
}

function time(v: unknown): Time {
  const o = object(v, "timestamp");
  const sec = o.sec;
  const nsec = o.nsec;
  if (
    typeof sec !== "number" ||
    typeof nsec !== "number" ||
    !Number.isInteger(sec) ||
    !Number.isInteger(nsec) ||
    sec < 0 ||
    sec > 0xffff_ffff ||
    nsec < 0 ||
    nsec > 0xffff_ffff
  ) {
    throw new Error("timestamp out of range");
  }
  return { sec, nsec };
}

function pose(v: unknown): Pose {
  const o = object(v, "pose");
  const p = o.position === undefined ? {} : object(o.position, "pose.position");
  const q = o.orientation === undefined ? {} : object(o.orientation, "pose.orientation");
  return {
    position: {
      x: num(p, "x", "position", 0),
      y: num(p, "y", "position", 0),
      z: num(p, "z", "position", 0),
    },
    orientation: {
      x: num(q, "x", "orientation", 0),
      y: num(q, "y", "orientation", 0),
      z: num(q, "z", "orientation", 0),
      w: num(q, "w", "orientation", 1),
    },
  };
}

function field(v: unknown, i: number): PointCloudField {
  const o = object(v, `fields[${i}]`);
  const name = o.name ?? "";
  if (typeof name !== "string") throw new Error(`fields[${i}].name must be a string`);
  let type: number;
  if (typeof o.type === "string") {
    const t = numericTypeFromName(o.type);
    if (t === undefined)
      throw new Error(`fields[${i}].type: unknown numeric type ${JSON.stringify(o.type)}`);
    type = t;
  } else {
    type = o.type === undefined ? 0 : u32(o, "type", `fields[${i}]`);
  }
  return { name, offset: u32(o, "offset", `fields[${i}]`, 0), type };
}

/**
 * Decodes a JSON `foxglove.PointCloud` with Foxglove's JSON conventions: `data` base64, the
 * numeric `type` of a field as its name (`"FLOAT32"`; a number is accepted too), `timestamp`
 * `{sec, nsec}`. Throws an Error naming the bad field.
 */
export function readJsonPointCloud(bytes: Uint8Array): PointCloudData {
  const o = object(JSON.parse(decodeUtf8(bytes, "JSON PointCloud")), "message");
  const fields = o.fields ?? [];
  if (!Array.isArray(fields)) throw new Error("fields must be an array");
  const data = o.data ?? "";
  if (typeof data !== "string") throw new Error("data must be a base64 string");
  const frameId = o.frame_id ?? "";
  if (typeof frameId !== "string") throw new Error("frame_id must be a string");
  const cloud: PointCloudData = {
    frame_id: frameId,
    point_stride: u32(o, "point_stride", "message", 0),
    fields: fields.map(field),
    data: base64Decode(data),
  };
  if (o.timestamp != null) cloud.timestamp = time(o.timestamp);
  if (o.pose != null) cloud.pose = pose(o.pose);
  return cloud;
}
