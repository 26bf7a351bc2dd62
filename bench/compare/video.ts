// `npm run bench:compare-video [-- --seconds S --impls ours,reference --profile-dir DIR]`: the video
// workload of issue 12 through our gateway and the reference gateway (foxglove-sdk from PyPI, in
// the venv of referenceVenv.ts), one after the other, under identical conditions: one local
// livekit-server, our device API server, a device process logging a 1280x720 rgb8 RawImage
// camera at 30 fps (videoDevice.ts / reference_video_device.py: same scene and schedule), and
// a viewer from our viewer library in this process that decodes the video track. Each frame's
// index is a barcode in its top rows; the viewer matches it to the frame's scheduled log time
// (same host clock) for latency. Device CPU is the device process's own measurement.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { startApiServer, TEST_DEVICE } from "../../src/api-server/index.js";
import { setLogLevel } from "../../src/core/logger.js";
import { shutdownLiveKit, startDevServer, type DevServer } from "../../src/livekit/index.js";
import { connectViewer } from "../../src/viewer/index.js";
import { median, percentile } from "../harness.js";
import { ensureReferenceVenv } from "./referenceVenv.js";

const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "10" },
    impls: { type: "string", default: "ours,reference" },
    /** Writes a V8 CPU profile of our device process into this directory. */
    "profile-dir": { type: "string" },
  },
});
const SECONDS = Number(values.seconds);
const FPS = 30;
const BITS = 16;
const H = 720;

/** The frame index from the barcode in the top 48 of 720 rows (scaled frames work too). */
function readIndex(y: Uint8Array, width: number, height: number): number {
  const row = Math.floor((24 * height) / H);
  let index = 0;
  for (let bit = 0; bit < BITS; bit++) {
    const x = Math.floor((bit + 0.5) * (width / BITS));
    if (y[row * width + x]! > 128) index |= 1 << bit;
  }
  return index;
}

interface Figures {
  impl: string;
  fps: number;
  p50: number;
  p99: number;
  decoded: number;
  sent: number;
  cpuPercent: number;
  sizes: string;
}

async function runOne(impl: "ours" | "reference", server: DevServer): Promise<Figures> {
  const api = await startApiServer({
    devices: [TEST_DEVICE],
    livekit: { url: server.url, apiKey: server.apiKey, apiSecret: server.apiSecret },
  });
  const startMs = Date.now() + 20_000;
  const here = fileURLToPath(new URL(".", import.meta.url));
  const [command, args] =
    impl === "ours"
      ? [
          process.execPath,
          [
            ...(values["profile-dir"] === undefined
              ? []
              : ["--cpu-prof", "--cpu-prof-dir", values["profile-dir"]]),
            "--import",
            "tsx",
            `${here}videoDevice.ts`,
          ],
        ]
      : [(await ensureReferenceVenv()).python, [`${here}reference_video_device.py`]];
  const child = spawn(
    command,
    [...args, "--start-ms", String(startMs), "--seconds", String(SECONDS), "--fps", String(FPS)],
    {
      env: {
        ...process.env,
        FOXGLOVE_API_URL: api.url,
        FOXGLOVE_DEVICE_TOKEN: TEST_DEVICE.token,
      },
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  let stdout = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
  const latencies: number[] = [];
  const seen = new Set<number>();
  const sizes = new Set<string>();
  let firstAt = 0;
  let lastAt = 0;
  try {
    const viewer = await connectViewer({
      apiUrl: api.url,
      device: TEST_DEVICE.id,
      iceServers: server.iceServers,
    });
    try {
      const channel = await viewer.waitForChannel("/camera", { timeoutMs: 20_000 });
      const sub = viewer.subscribe(channel, { video: true, timeoutMs: 30_000 });
      // Ends (with ERR_CHANNEL_CLOSED) when the device leaves after its run.
      const reading = (async () => {
        for await (const frame of sub) {
          const now = Date.now();
          sizes.add(`${frame.width}x${frame.height}`);
          const index = readIndex(frame.data, frame.width, frame.height);
          if (index < 1 || index > FPS * SECONDS || seen.has(index)) continue;
          seen.add(index);
          latencies.push(now - (startMs + (index * 1000) / FPS));
          firstAt ||= now;
          lastAt = now;
        }
      })().catch(() => undefined);
      await exited;
      sub.unsubscribe();
      await reading;
    } finally {
      await viewer.close();
    }
  } finally {
    child.kill();
    await api.stop();
  }
  const result = JSON.parse(stdout.trim().split("\n").pop() ?? "{}") as {
    sent?: number;
    cpuSeconds?: number;
  };
  return {
    impl,
    fps: seen.size > 1 ? ((seen.size - 1) * 1000) / (lastAt - firstAt) : 0,
    p50: latencies.length > 0 ? median(latencies) : NaN,
    p99: latencies.length > 0 ? percentile(latencies, 99) : NaN,
    decoded: seen.size,
    sent: result.sent ?? 0,
    cpuPercent: ((result.cpuSeconds ?? NaN) / SECONDS) * 100,
    sizes: [...sizes].join(" "),
  };
}

setLogLevel("warn");
const server = await startDevServer();
const rows: Figures[] = [];
try {
  for (const impl of values.impls.split(",") as ("ours" | "reference")[]) {
    rows.push(await runOne(impl, server));
  }
} finally {
  await server.stop();
  await shutdownLiveKit();
}
console.log(
  `| gateway | frames logged | decoded | fps at viewer | p50 ms | p99 ms | device CPU % | decoded sizes |`,
);
console.log(`|---|---:|---:|---:|---:|---:|---:|---|`);
for (const r of rows) {
  console.log(
    `| ${r.impl} | ${r.sent} | ${r.decoded} | ${r.fps.toFixed(1)} | ${r.p50.toFixed(0)} | ${r.p99.toFixed(0)} | ${r.cpuPercent.toFixed(0)} | ${r.sizes} |`,
  );
}
