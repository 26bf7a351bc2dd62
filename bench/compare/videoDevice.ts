// Video benchmark device for our gateway; twin of bench/compare/reference_video_device.py (same
// arguments, scene, barcode, schedule and result line). Started by bench/compare/videoWorkload.ts.
import { parseArgs } from "node:util";
import { Channel } from "../../src/core/Channel.js";
import { Context } from "../../src/core/Context.js";
import { setLogLevel } from "../../src/core/logger.js";
import { nowNanos } from "../../src/core/time.js";
import { startGateway } from "../../src/gateway/startGateway.js";
import { shutdownLiveKit } from "../../src/livekit/index.js";
import { RawImage } from "../../src/messages/index.js";
import { VideoScene } from "../videoFrames.js";
import { cpuSeconds, emit, peakRssBytes } from "./processStats.js";

const { values } = parseArgs({
  options: {
    "start-ms": { type: "string" },
    seconds: { type: "string", default: "10" },
    fps: { type: "string", default: "30" },
    width: { type: "string", default: "1280" },
    height: { type: "string", default: "720" },
  },
});
const w = Number(values.width);
const h = Number(values.height);
const fps = Number(values.fps);
const start = Number(values["start-ms"]);
setLogLevel("warn");
const context = new Context();
const camera = new Channel("/camera", { context, encoder: RawImage });
const gateway = startGateway({ name: "video-ours", context });
const scene = new VideoScene(w, h);
const total = Math.round(Number(values.seconds) * fps);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));
await sleep(start - Date.now());
const cpu0 = cpuSeconds();
const t0 = performance.now();
let sent = 0;
for (let i = 1; i <= total; i++) {
  await sleep(start + (i * 1000) / fps - Date.now());
  const data = scene.draw(i);
  const ns = nowNanos();
  camera.log({
    timestamp: { sec: Number(ns / 1_000_000_000n), nsec: Number(ns % 1_000_000_000n) },
    frame_id: "cam",
    width: w,
    height: h,
    encoding: "rgb8",
    step: w * 3,
    data,
  });
  sent++;
}
const cpu = cpuSeconds() - cpu0;
const seconds = (performance.now() - t0) / 1000;
await sleep(1000);
await gateway.stop();
await shutdownLiveKit();
emit("result", { sent, seconds, cpuSeconds: cpu, peakRssBytes: peakRssBytes() });
