import {
  NumericType,
  numericTypeSize,
  viewOf,
  type PointCloudData,
  type PointCloudField,
} from "./PointCloudData.js";

const T = NumericType;

/** Per-point fields that only cost bytes on a viewer: exact (name, type) pairs (session.md 8.4). */
const IRRELEVANT: ReadonlyMap<string, readonly number[]> = new Map([
  ["t", [T.UINT32]],
  ["time", [T.FLOAT32]],
  ["ts", [T.FLOAT32]],
  ["time_stamp", [T.UINT32]],
  ["timestamp", [T.FLOAT64]],
  ["timestamp_s", [T.INT32]],
  ["timestamp_us", [T.INT32]],
  ["lidar_sec", [T.UINT32]],
  ["lidar_nsec", [T.UINT32]],
  ["range", [T.UINT32, T.FLOAT32]],
  ["distance", [T.FLOAT32]],
  ["azimuth", [T.FLOAT32]],
  ["elevation", [T.FLOAT32]],
  ["point_id", [T.UINT32]],
  ["scan_idx", [T.UINT16]],
]);

function isIrrelevant(f: PointCloudField): boolean {
  return IRRELEVANT.get(f.name)?.includes(f.type) ?? false;
}

/** True when every point can be read: stride > 0, whole points, known fields inside the stride. */
function isReadable(cloud: PointCloudData, fields: readonly PointCloudField[]): boolean {
  const stride = cloud.point_stride;
  return (
    stride > 0 &&
    cloud.data.length % stride === 0 &&
    fields.every((f) => {
      const size = numericTypeSize(f.type);
      return size > 0 && f.offset + size <= stride;
    })
  );
}

/**
 * Copies `fields` (with their new types) into a new contiguous layout in declaration order,
 * converting float64 → float32 where the type narrows. The caller checked readability.
 */
function repack(
  cloud: PointCloudData,
  fields: readonly PointCloudField[],
  types: readonly number[],
): PointCloudData {
  const sizes = types.map(numericTypeSize);
  const offsets: number[] = [];
  let stride = 0;
  for (const size of sizes) {
    offsets.push(stride);
    stride += size;
  }
  const n = cloud.data.length / cloud.point_stride;
  const out = new Uint8Array(n * stride);
  const src = viewOf(cloud.data);
  const dst = viewOf(out);
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i]!;
    const narrow = f.type === T.FLOAT64 && types[i] === T.FLOAT32;
    const size = sizes[i]!;
    for (let p = 0; p < n; p++) {
      const s = p * cloud.point_stride + f.offset;
      const d = p * stride + offsets[i]!;
      if (narrow) {
        dst.setFloat32(d, src.getFloat64(s, true), true);
      } else {
        out.set(cloud.data.subarray(s, s + size), d);
      }
    }
  }
  return {
    ...cloud,
    point_stride: stride,
    fields: fields.map((f, i) => ({ name: f.name, offset: offsets[i]!, type: types[i]! })),
    data: out,
  };
}

/**
 * Step 2: drops per-point fields matching an exact (name, type) pair of the list (timestamps,
 * ranges, angles, ids) and repacks the survivors contiguously. Returns `cloud` itself when
 * nothing matches, the cloud is unreadable, or nothing would remain.
 */
export function dropIrrelevantFields(cloud: PointCloudData): PointCloudData {
  const kept = cloud.fields.filter((f) => !isIrrelevant(f));
  if (kept.length === cloud.fields.length || kept.length === 0 || !isReadable(cloud, kept)) {
    return cloud;
  }
  return repack(
    cloud,
    kept,
    kept.map((f) => f.type),
  );
}

/** Step 3: float32 fields named `rgb`/`rgba` are packed colors: retyped to uint32 (same bytes). */
export function retypePackedColors(cloud: PointCloudData): PointCloudData {
  if (!cloud.fields.some((f) => (f.name === "rgb" || f.name === "rgba") && f.type === T.FLOAT32)) {
    return cloud;
  }
  return {
    ...cloud,
    fields: cloud.fields.map((f) =>
      (f.name === "rgb" || f.name === "rgba") && f.type === T.FLOAT32
        ? { ...f, type: T.UINT32 }
        : f,
    ),
  };
}

/**
 * Step 4: narrows every float64 field to float32, repacking all fields in declaration order
 * (aliased fields become independent copies). Returns `cloud` when it has no float64 field or is
 * unreadable.
 */
export function narrowFloat64Fields(cloud: PointCloudData): PointCloudData {
  if (!cloud.fields.some((f) => f.type === T.FLOAT64) || !isReadable(cloud, cloud.fields)) {
    return cloud;
  }
  return repack(
    cloud,
    cloud.fields,
    cloud.fields.map((f) => (f.type === T.FLOAT64 ? T.FLOAT32 : f.type)),
  );
}

/**
 * Step 5: drops every point with a NaN or infinity in a float32/float64 field. A fully finite
 * (or unreadable) cloud is returned as is, without copying.
 */
export function dropNonFinitePoints(cloud: PointCloudData): PointCloudData {
  const floats = cloud.fields.filter((f) => f.type === T.FLOAT32 || f.type === T.FLOAT64);
  if (floats.length === 0 || !isReadable(cloud, cloud.fields)) {
    return cloud;
  }
  const stride = cloud.point_stride;
  const n = cloud.data.length / stride;
  const view = viewOf(cloud.data);
  const finite = (p: number): boolean =>
    floats.every((f) =>
      Number.isFinite(
        f.type === T.FLOAT32
          ? view.getFloat32(p * stride + f.offset, true)
          : view.getFloat64(p * stride + f.offset, true),
      ),
    );
  // The first bad point, one field at a time (a tight loop per field: the common case is a fully
  // finite cloud, which is returned without copying).
  let firstBad = -1;
  for (const f of floats) {
    const end = firstBad < 0 ? n : firstBad;
    let p = 0;
    if (f.type === T.FLOAT32) {
      for (let s = f.offset; p < end && Number.isFinite(view.getFloat32(s, true)); p++) s += stride;
    } else {
      for (let s = f.offset; p < end && Number.isFinite(view.getFloat64(s, true)); p++) s += stride;
    }
    if (p < end) firstBad = p;
  }
  if (firstBad < 0) {
    return cloud;
  }
  const out = new Uint8Array(cloud.data.length);
  out.set(cloud.data.subarray(0, firstBad * stride));
  let o = firstBad * stride;
  for (let p = firstBad + 1; p < n; p++) {
    if (finite(p)) {
      out.set(cloud.data.subarray(p * stride, (p + 1) * stride), o);
      o += stride;
    }
  }
  return { ...cloud, data: out.subarray(0, o) };
}

/**
 * Steps 2–5 of the transcode pipeline, in this order (it matters: packed colors with alpha look
 * like NaN floats, and float64 values are judged after narrowing).
 */
export function prepareForDraco(cloud: PointCloudData): PointCloudData {
  return dropNonFinitePoints(narrowFloat64Fields(retypePackedColors(dropIrrelevantFields(cloud))));
}
