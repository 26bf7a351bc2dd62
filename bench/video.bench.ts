// Video through a real livekit-server: a VideoPublisher fed 1280x720 protobuf RawImage (rgb8)
// messages at 30 fps for 10 s, a viewer participant decoding the track with rtc-node. Each frame
// carries its index as a 16-block barcode so the viewer can match it to the push time.
// Device and viewer share this process (and the 2 cores) — as in livekit.bench.ts.
import {
  connectRoom,
  mintDevToken,
  startDevServer,
  resolveVideoCodecOptions,
  type LiveKitRoom,
} from "../src/livekit/index.js";
import { VideoPublisher } from "../src/media/VideoPublisher.js";
import { RawImage } from "../src/messages/index.js";
import { deadline, median, percentile, type BenchResult } from "./harness.js";

const W = 1280;
const H = 720;
const FPS = 30;
const SECONDS = 10;
const BITS = 16;
const BLOCK = W / BITS;

/** A moving diagonal gradient with the frame index as a barcode in the top 48 rows. */
function scene(index: number, rgb: Uint8Array): void {
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const o = (y * W + x) * 3;
      if (y < 48) {
        const bit = (index >> Math.floor(x / BLOCK)) & 1;
        const v = bit === 1 ? 255 : 0;
        rgb[o] = v;
        rgb[o + 1] = v;
        rgb[o + 2] = v;
      } else {
        rgb[o] = (x + index * 4) & 255;
        rgb[o + 1] = (y + index * 2) & 255;
        rgb[o + 2] = (x + y) & 255;
      }
    }
  }
}

/** Reads the barcode from a decoded I420 frame's Y plane. */
function readIndex(y: Uint8Array, width: number): number {
  let index = 0;
  for (let bit = 0; bit < BITS; bit++) {
    const x = Math.floor((bit + 0.5) * (width / BITS));
    if (y[24 * width + x]! > 128) {
      index |= 1 << bit;
    }
  }
  return index;
}

export default async function videoBench(): Promise<BenchResult[]> {
  const server = await startDevServer();
  const rooms: LiveKitRoom[] = [];
  try {
    for (const identity of ["device", "viewer"]) {
      const token = await mintDevToken({
        apiKey: server.apiKey,
        apiSecret: server.apiSecret,
        room: "video-bench",
        identity,
      });
      rooms.push(await connectRoom(server.url, token, { iceServers: server.iceServers }));
    }
    const [device, viewer] = rooms as [LiveKitRoom, LiveKitRoom];
    const name = "video-ch-1";
    const publisher = new VideoPublisher({
      name,
      schema: { decoder: "protobuf", image: "raw" },
      publish: () =>
        device.publishVideo(name, {
          width: W,
          height: H,
          ...resolveVideoCodecOptions(process.env, process.platform),
        }),
    });
    const subscription = await viewer.subscribeVideo("device", name, { timeoutMs: 20_000 });
    const pushedAt = new Map<number, number>();
    const latencies: number[] = [];
    const seen = new Set<number>();
    let firstAt = 0;
    let lastAt = 0;
    const reading = (async () => {
      for await (const frame of subscription) {
        const now = performance.now();
        const index = readIndex(frame.data, frame.width);
        const at = pushedAt.get(index);
        if (at !== undefined && !seen.has(index)) {
          seen.add(index);
          latencies.push(now - at);
          firstAt ||= now;
          lastAt = now;
        }
      }
    })();
    const rgb = new Uint8Array(W * H * 3);
    const total = FPS * SECONDS;
    const cpu0 = process.cpuUsage();
    const start = performance.now();
    for (let i = 1; i <= total; i++) {
      scene(i, rgb);
      const message = RawImage.encode({
        timestamp: { sec: 0, nsec: 0 },
        frame_id: "cam",
        width: W,
        height: H,
        encoding: "rgb8",
        step: W * 3,
        data: rgb,
      });
      pushedAt.set(i, performance.now());
      publisher.push(message, BigInt(i) * 33_333_333n);
      const next = start + (i * 1000) / FPS;
      await new Promise((r) => setTimeout(r, Math.max(0, next - performance.now())));
    }
    await new Promise((r) => setTimeout(r, 1000)); // let the last frames land
    const cpu = process.cpuUsage(cpu0);
    const elapsedS = (performance.now() - start) / 1000;
    await subscription.close();
    await deadline(reading, 5_000, "video reader");
    const stats = publisher.stats;
    await publisher.close();
    const fps = seen.size > 1 ? ((seen.size - 1) * 1000) / (lastAt - firstAt) : 0;
    const detail = `${total} frames offered at ${FPS} fps; ${stats.sent} encoded, ${stats.dropped} dropped before conversion, ${seen.size} decoded distinct`;
    return [
      {
        name: "video 1280x720@30: frames per second at the viewer",
        value: fps,
        unit: "fps",
        detail,
      },
      {
        name: "video 1280x720@30: log() -> decoded frame, p50",
        value: median(latencies),
        unit: "ms",
        detail: `p99 ${percentile(latencies, 99).toFixed(1)} ms over ${latencies.length} frames`,
      },
      {
        name: "video 1280x720@30: log() -> decoded frame, p99",
        value: percentile(latencies, 99),
        unit: "ms",
      },
      {
        name: "video 1280x720@30: process CPU (device + viewer + scene drawing)",
        value: ((cpu.user + cpu.system) / 1e6 / elapsedS) * 100,
        unit: "% of one core",
      },
    ];
  } finally {
    for (const room of rooms) {
      await room.close();
    }
    await server.stop();
  }
}
