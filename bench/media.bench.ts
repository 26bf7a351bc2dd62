// Image -> I420 conversion time per 1920x1080 frame (src/media), one core, plus libyuv's
// RGB24 -> I420 through the LiveKit FFI for comparison (BT.601 only, so not usable as is: the spec
// asks for BT.709).
import { VideoBufferType, VideoFrame } from "@livekit/rtc-node";
import sharp from "sharp";
import { compressedImageToI420 } from "../src/media/compressedImageToI420.js";
import { allocI420 } from "../src/media/I420Image.js";
import { rawImageToI420 } from "../src/media/rawImageToI420.js";
import { setSimdEnabled } from "../src/media/simdToI420.js";
import { acquireNative } from "../src/livekit/native.js";
import { median, type BenchResult } from "./harness.js";

const W = 1920;
const H = 1080;
const REPEATS = 31;

/** A moving-scene-like picture: gradients plus noise, `bpp` bytes per pixel. */
function picture(bpp: number): Uint8Array {
  const out = new Uint8Array(W * H * bpp);
  let s = 12345;
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      s = (s * 1103515245 + 12345) >>> 0;
      const o = (y * W + x) * bpp;
      for (let c = 0; c < bpp; c++) {
        out[o + c] = (x * (c + 1) + y * (3 - c) + (s >>> 28)) & 0xff;
      }
    }
  }
  return out;
}

/**
 * Median CPU time (user + system, all threads of the process) per call, in ms, and the median
 * wall time. CPU time is what the conversion costs; on a shared, loaded machine the wall time
 * also contains waits for a core.
 */
async function msPerFrame(
  fn: () => unknown,
  repeats = REPEATS,
): Promise<{ cpu: number; wall: number }> {
  for (let i = 0; i < 3; i++) await fn();
  const cpu: number[] = [];
  const wall: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const c0 = process.cpuUsage();
    const w0 = process.hrtime.bigint();
    await fn();
    const c = process.cpuUsage(c0);
    wall.push(Number(process.hrtime.bigint() - w0) / 1e6);
    cpu.push((c.user + c.system) / 1000);
  }
  return { cpu: median(cpu), wall: median(wall) };
}

function row(name: string, t: { cpu: number; wall: number }, detail: string): BenchResult {
  return {
    name,
    value: t.cpu,
    unit: "ms CPU/frame",
    detail: `${detail}; wall ${t.wall.toFixed(1)} ms`,
  };
}

export default async function mediaBench(): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  const out = allocI420(W, H);
  const detail = `median of ${REPEATS}, 1920x1080, output buffer reused`;
  const raw: [string, number][] = [
    ["rgb8", 3],
    ["bgr8", 3],
    ["rgba8", 4],
    ["mono8", 1],
    ["mono16", 2],
    ["bayer_rggb8", 1],
    ["yuyv", 2],
    ["nv12", 1],
  ];
  for (const [encoding, bpp] of raw) {
    const data = picture(encoding === "nv12" ? 1 : bpp);
    const image = {
      width: W,
      height: H,
      encoding,
      step: W * bpp,
      data: encoding === "nv12" ? new Uint8Array((W * H * 3) / 2).fill(77) : data,
    };
    results.push(
      row(`${encoding} -> I420`, await msPerFrame(() => rawImageToI420(image, out)), detail),
    );
    if (["rgb8", "bgr8", "rgba8", "mono8"].includes(encoding)) {
      // The same without the WebAssembly SIMD kernel (the JS kernels, its fallback).
      setSimdEnabled(false);
      try {
        results.push(
          row(
            `${encoding} -> I420, JS kernel`,
            await msPerFrame(() => rawImageToI420(image, out)),
            detail,
          ),
        );
      } finally {
        setSimdEnabled(true);
      }
    }
  }

  const rgb = picture(3);
  const jpeg = await sharp(rgb, { raw: { width: W, height: H, channels: 3 } })
    .jpeg({ quality: 90 })
    .toBuffer();
  results.push(
    row(
      "JPEG (q90) decode (sharp) + rgb8 -> I420",
      await msPerFrame(() => compressedImageToI420(jpeg, "jpeg"), 15),
      `median of 15, ${(jpeg.length / 1024).toFixed(0)} KiB JPEG`,
    ),
  );
  const png = await sharp(rgb, { raw: { width: W, height: H, channels: 3 } })
    .png({ compressionLevel: 1 })
    .toBuffer();
  results.push(
    row(
      "PNG decode (sharp) + rgb8 -> I420",
      await msPerFrame(() => compressedImageToI420(png, "png"), 7),
      `median of 7, ${(png.length / 1024).toFixed(0)} KiB PNG`,
    ),
  );

  // The bench's 1280x720 rgb8 video workload: WebAssembly kernel and JS kernel in the same run.
  const hd = {
    width: 1280,
    height: 720,
    encoding: "rgb8",
    step: 3840,
    data: rgb.subarray(0, 3840 * 720),
  };
  const hdOut = allocI420(1280, 720);
  const hdDetail = `median of ${REPEATS}, 1280x720, output buffer reused`;
  results.push(
    row("rgb8 -> I420 1280x720", await msPerFrame(() => rawImageToI420(hd, hdOut)), hdDetail),
  );
  setSimdEnabled(false);
  try {
    results.push(
      row(
        "rgb8 -> I420 1280x720, JS kernel",
        await msPerFrame(() => rawImageToI420(hd, hdOut)),
        hdDetail,
      ),
    );
  } finally {
    setSimdEnabled(true);
  }

  const release = await acquireNative();
  try {
    const frame = new VideoFrame(rgb, W, H, VideoBufferType.RGB24);
    results.push(
      row(
        "for comparison: libyuv RGB24 -> I420 via FFI (BT.601)",
        await msPerFrame(() => frame.convert(VideoBufferType.I420)),
        `median of ${REPEATS}, 1920x1080, includes the copy back to JS`,
      ),
    );
  } finally {
    release();
  }
  return results;
}
