import type { PackedElementField, PointCloud } from "@foxglove/schemas";

/** Options of {@link syntheticLidarCloud}. */
export interface SyntheticLidarOptions {
  /** Points per cloud (default 30 000). */
  points?: number;
  /** Laser rings (default 32); `points / rings` points per ring. */
  rings?: number;
  /** Frame id (default `lidar`). */
  frameId?: string;
}

const FIELDS: PackedElementField[] = [
  { name: "x", offset: 0, type: 7 },
  { name: "y", offset: 4, type: 7 },
  { name: "z", offset: 8, type: 7 },
  { name: "intensity", offset: 12, type: 1 },
  { name: "ring", offset: 13, type: 1 },
];

/**
 * A spinning-lidar-like `foxglove.PointCloud` at time `timeSec`: `rings` elevation rings sweeping
 * a room-sized scene whose walls move slowly: float32 `x`/`y`/`z`, uint8 `intensity` and uint8
 * `ring` (stride 14; at most 256 rings). For demos, samples and benchmarks.
 */
export function syntheticLidarCloud(
  timeSec: number,
  options: SyntheticLidarOptions = {},
): PointCloud {
  const n = options.points ?? 30_000;
  const rings = Math.min(options.rings ?? 32, 256);
  const stride = 14;
  const data = new Uint8Array(n * stride);
  const view = new DataView(data.buffer);
  const perRing = Math.max(1, Math.ceil(n / rings));
  for (let p = 0; p < n; p++) {
    const ring = Math.floor(p / perRing);
    const azimuth = ((p % perRing) / perRing) * 2 * Math.PI + timeSec * 0.5;
    const elevation = ((ring / Math.max(1, rings - 1)) * 30 - 15) * (Math.PI / 180);
    // distance to a 20 m × 12 m room with a breathing wall, plus a little texture
    const c = Math.cos(azimuth);
    const s = Math.sin(azimuth);
    const wallX = 10 + Math.sin(timeSec) * 0.5;
    const range =
      Math.min(Math.abs(wallX / (c || 1e-9)), Math.abs(6 / (s || 1e-9)), 40) + 0.05 * Math.sin(p);
    const horizontal = range * Math.cos(elevation);
    const base = p * stride;
    view.setFloat32(base, horizontal * c, true);
    view.setFloat32(base + 4, horizontal * s, true);
    view.setFloat32(base + 8, range * Math.sin(elevation) + 1.5, true);
    view.setUint8(base + 12, Math.min(255, Math.round(1000 / (1 + range))));
    view.setUint8(base + 13, ring);
  }
  const sec = Math.floor(timeSec);
  return {
    timestamp: { sec, nsec: Math.round((timeSec - sec) * 1e9) },
    frame_id: options.frameId ?? "lidar",
    pose: { position: { x: 0, y: 0, z: 0 }, orientation: { x: 0, y: 0, z: 0, w: 1 } },
    point_stride: stride,
    fields: FIELDS,
    data,
  };
}
