// Video benchmark device for our gateway; twin of bench/compare/reference_video_device.py (same
// arguments, scene, barcode, schedule and result line). Started by bench/compare/video.ts.
import { parseArgs } from "node:util";
import { Channel } from "../../src/core/Channel.js";
import { Context } from "../../src/core/Context.js";
import { setLogLevel } from "../../src/core/logger.js";
import { nowNanos } from "../../src/core/time.js";
import { startGateway } from "../../src/gateway/startGateway.js";
import { shutdownLiveKit } from "../../src/livekit/index.js";
import { RawImage } from "../../src/messages/index.js";
import { cpuSeconds, emit } from "./processStats.js";

const BITS = 16;
const BAR_ROWS = 48;

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
const wide = new Uint8Array(2 * w * 3);
for (let x = 0; x < 2 * w; x++) {
  wide.set([x & 255, (x * 2) & 255, (255 - x) & 255], x * 3);
}
const block = Math.floor(w / BITS);
const data = new Uint8Array(w * h * 3);
const total = Math.round(Number(values.seconds) * fps);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));
await sleep(start - Date.now());
const cpu0 = cpuSeconds();
let sent = 0;
for (let i = 1; i <= total; i++) {
  await sleep(start + (i * 1000) / fps - Date.now());
  data.fill(0, 0, w * 3);
  for (let b = 0; b < BITS; b++) {
    if ((i >> b) & 1) data.fill(255, b * block * 3, (b + 1) * block * 3);
  }
  for (let y = 1; y < BAR_ROWS; y++) data.copyWithin(y * w * 3, 0, w * 3);
  const off = ((4 * i) % w) * 3;
  for (let y = BAR_ROWS; y < h; y++) data.set(wide.subarray(off, off + w * 3), y * w * 3);
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
await sleep(1000);
await gateway.stop();
await shutdownLiveKit();
emit("result", { sent, cpuSeconds: cpu });
